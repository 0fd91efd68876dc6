package dev.toygres.engine.internal.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.toygres.engine.history.HistoryEvent;
import dev.toygres.engine.history.HistoryEvent.ActivityScheduled;
import dev.toygres.engine.history.HistoryEvent.ExecutionStarted;
import dev.toygres.engine.history.HistoryEvent.OrchestratorStarted;
import dev.toygres.engine.history.HistoryEvent.TimerCreated;
import dev.toygres.engine.orchestration.NonDeterminismException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class NonDeterminismTest {
  private static final List<HistoryEvent> HISTORY =
      List.of(
          new ExecutionStarted("o", "1", "null", null),
          new OrchestratorStarted(Instant.EPOCH),
          new ActivityScheduled(0, "charge", "null"));

  @Test
  void codeSchedulingSomethingElseNamesTheInstancePositionAndBothSides() {
    HistoryCursor cursor = new HistoryCursor("order-7", 3, HISTORY, HISTORY.size());
    cursor.scheduled(new TimerCreated(0, Instant.EPOCH), null);

    NonDeterminismException e = catchThrowableOfType(NonDeterminismException.class, cursor::drain);

    assertThat(e.instanceId()).isEqualTo("order-7");
    assertThat(e.executionId()).isEqualTo(3);
    assertThat(e.eventIndex()).isEqualTo(2);
    assertThat(e.expected()).isEqualTo("activity 'charge' as task 0");
    assertThat(e.actual()).isEqualTo("scheduled timer");
    assertThat(e.getMessage())
        .startsWith(
            "nondeterminism in instance 'order-7' execution 3 at history event 2: history has"
                + " activity 'charge' as task 0, but the code scheduled timer")
        .endsWith(NonDeterminismException.REMEDY);
  }

  @Test
  void codeNotSchedulingWhatHistoryHoldsSaysSo() {
    HistoryCursor cursor = new HistoryCursor("order-7", 1, HISTORY, HISTORY.size());

    NonDeterminismException e = catchThrowableOfType(NonDeterminismException.class, cursor::drain);

    assertThat(e.eventIndex()).isEqualTo(2);
    assertThat(e.actual()).isEqualTo("did not schedule it");
    assertThat(e.getMessage()).contains("To recover", "docs/engine.md#versions");
  }

  @Test
  void theInstanceFailsWithTheNondeterminismAsItsFailure() {
    StepDecision d =
        OrchestrationExecutor.execute(
            "order-7",
            1,
            (ctx, in) -> ctx.callActivity("refund", null, String.class).await(),
            String.class,
            HISTORY,
            List.of(new OrchestratorStarted(Instant.EPOCH)));

    assertThat(d.outcome()).isEqualTo(StepDecision.Outcome.FAILED);
    assertThat(d.failure().errorType()).isEqualTo(NonDeterminismException.class.getName());
    assertThat(d.failure().message())
        .contains("instance 'order-7' execution 1 at history event 2")
        .contains("but the code scheduled activity 'refund'")
        .contains(NonDeterminismException.REMEDY);
  }
}
