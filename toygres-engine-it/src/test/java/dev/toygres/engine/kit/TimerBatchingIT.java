package dev.toygres.engine.kit;

import static dev.toygres.engine.kit.Scenarios.history;
import static dev.toygres.engine.kit.Scenarios.only;
import static dev.toygres.engine.kit.Scenarios.output;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.engine.history.HistoryEvent.OrchestratorStarted;
import dev.toygres.engine.worker.Registry;
import dev.toygres.testkit.EngineExtension;
import dev.toygres.testkit.EngineFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With {@code timerBatching}, timers due close together are fetched as one batch: their steps share
 * one fetch (and so one clock reading) instead of one fetch each.
 */
class TimerBatchingIT {
  private static final int INSTANCES = 10;
  @RegisterExtension static final EngineExtension f = EngineExtension.perClass();

  @Test
  void timersDueWithinTheBatchingWindowFireInOneFetch() throws Exception {
    f.startWorker(
        Registry.builder()
            .orchestration(
                "wakeAt",
                String.class,
                (ctx, at) -> {
                  Instant due = Instant.parse(at);
                  ctx.createTimer(Duration.between(ctx.currentTime(), due)).await();
                  return "woke";
                })
            .build(),
        EngineFixture.testOptions()
            .withDispatchers(1, 1)
            .withPollInterval(Duration.ofSeconds(10))
            .withTimerBatching(Duration.ofSeconds(2)));
    // Due 20 ms apart, a few seconds from now: without batching each would be fetched on its own.
    Instant first = Instant.now().plusSeconds(3);
    for (int i = 0; i < INSTANCES; i++) {
      f.client().start("wakeAt", "batch-timer-" + i, first.plusMillis(20L * i).toString());
    }

    Set<Instant> fetchedAt = new HashSet<>();
    for (int i = 0; i < INSTANCES; i++) {
      assertThat(output(f, "batch-timer-" + i, String.class)).isEqualTo("woke");
      var steps = only(history(f, "batch-timer-" + i), OrchestratorStarted.class);
      assertThat(steps).hasSize(2);
      assertThat(steps.get(1).time()).isAfterOrEqualTo(first.plusMillis(20L * i));
      fetchedAt.add(steps.get(1).time());
    }
    assertThat(fetchedAt).as("one fetch woke every timer").hasSize(1);
  }
}
