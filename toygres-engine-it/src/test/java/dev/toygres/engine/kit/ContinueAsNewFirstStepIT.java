package dev.toygres.engine.kit;

import static dev.toygres.engine.kit.Scenarios.history;
import static dev.toygres.engine.kit.Scenarios.only;
import static dev.toygres.engine.kit.Scenarios.output;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.client.ExecutionInfo;
import dev.toygres.engine.history.HistoryEvent;
import dev.toygres.engine.history.HistoryEvent.EventRaised;
import dev.toygres.engine.history.HistoryEvent.ExecutionStarted;
import dev.toygres.engine.history.HistoryEvent.LocalActivityRecorded;
import dev.toygres.engine.history.HistoryEvent.OrchestratorStarted;
import dev.toygres.engine.worker.Registry;
import dev.toygres.testkit.EngineExtension;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A continue-as-new commits the new execution's first step with it (one step, not two), and that
 * first step loses nothing that arrives while it runs.
 */
class ContinueAsNewFirstStepIT {
  @RegisterExtension static final EngineExtension f = EngineExtension.perClass();

  @BeforeAll
  static void startWorker() {
    f.startWorker(
        Registry.builder()
            .activity("gate", String.class, (ctx, key) -> Gate.pass(key))
            .orchestration(
                "secondRound",
                Integer.class,
                (ctx, round) -> {
                  if (round == 1) {
                    ctx.continueAsNew(2);
                    return null;
                  }
                  String passed =
                      ctx.callLocalActivity("gate", ctx.instanceId(), String.class).await();
                  return passed + " / " + ctx.waitForEvent("poke", String.class).await();
                })
            .build());
  }

  @Test
  void theNextExecutionsFirstStepCommitsWithTheContinueAsNewAndAnEventRaisedMeanwhileIsKept()
      throws Exception {
    f.client().start("secondRound", "can-1", 1);
    // The second execution's first step is running: the first execution has not committed yet.
    Gate.awaitEntered("can-1");
    f.client().raiseEvent("can-1", "poke", "raised during the step");
    Gate.open("can-1");

    assertThat(output(f, "can-1", String.class)).isEqualTo("passed can-1 / raised during the step");
    List<ExecutionInfo> executions = f.client().listExecutions("can-1");
    assertThat(executions)
        .extracting(ExecutionInfo::status)
        .containsExactly(OrchestrationStatus.CONTINUED_AS_NEW, OrchestrationStatus.COMPLETED);
    List<HistoryEvent> first = history(f, "can-1", 1);
    List<HistoryEvent> second = history(f, "can-1", 2);
    assertThat(second.get(0)).isInstanceOf(ExecutionStarted.class);
    assertThat(second.get(1))
        .as("the second execution's first step ran in the first one's last step, on its clock")
        .isEqualTo(only(first, OrchestratorStarted.class).get(0));
    assertThat(second.get(2)).isInstanceOf(LocalActivityRecorded.class);
    assertThat(only(second, EventRaised.class))
        .as("the event arrived during that step and was handed to the next one")
        .hasSize(1);
    assertThat(only(second, OrchestratorStarted.class)).hasSize(2);
  }
}
