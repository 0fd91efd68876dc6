package dev.toygres.engine.kit;

import static dev.toygres.engine.kit.Scenarios.history;
import static dev.toygres.engine.kit.Scenarios.instance;
import static dev.toygres.engine.kit.Scenarios.only;
import static dev.toygres.engine.kit.Scenarios.output;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.history.HistoryEvent.LocalActivityRecorded;
import dev.toygres.engine.worker.Registry;
import dev.toygres.testkit.EngineExtension;
import dev.toygres.testkit.EngineFixture;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The steps of one fetched batch run at once and commit as they finish: an instance whose local
 * activity waits (a probe of a frozen server, say) holds up no other instance of its batch.
 */
class BatchedStepsIT {
  @RegisterExtension static final EngineExtension f = EngineExtension.perClass();

  @Test
  void aLocalActivityThatWaitsHoldsUpNoOtherStepOfItsBatch() throws Exception {
    Registry registry =
        Registry.builder()
            .activity("gate", String.class, (ctx, key) -> Gate.pass(key))
            .activity("echo", String.class, (ctx, key) -> "seen " + key)
            .orchestration(
                "slow",
                String.class,
                (ctx, key) -> ctx.callLocalActivity("gate", key, String.class).await())
            .orchestration(
                "quick",
                String.class,
                (ctx, key) -> ctx.callLocalActivity("echo", key, String.class).await())
            .build();
    // Every instance exists before the worker starts, and one dispatcher fetches them: one batch.
    f.client().start("slow", "batch-slow", "batch-slow");
    for (int i = 0; i < 5; i++) {
      f.client().start("quick", "batch-quick-" + i, "q" + i);
    }
    f.startWorker(
        registry,
        EngineFixture.testOptions()
            .withDispatchers(1, 1)
            .withOrchestrationBatchSize(32)
            .withLease(Duration.ofSeconds(60)));
    Gate.awaitEntered("batch-slow");

    for (int i = 0; i < 5; i++) {
      assertThat(output(f, "batch-quick-" + i, String.class))
          .as("quick instance %d finished while the slow one's local activity waits", i)
          .isEqualTo("seen q" + i);
    }
    assertThat(instance(f, "batch-slow").orElseThrow().status())
        .isEqualTo(OrchestrationStatus.RUNNING);
    assertThat(only(history(f, "batch-slow"), LocalActivityRecorded.class)).isEmpty();

    Gate.open("batch-slow");
    assertThat(output(f, "batch-slow", String.class)).isEqualTo("passed batch-slow");
  }
}
