package dev.toygres.engine.kit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.engine.history.HistoryEvent;
import dev.toygres.engine.history.HistoryEvent.ActivityCompleted;
import dev.toygres.engine.history.HistoryEvent.ActivityScheduled;
import dev.toygres.engine.history.HistoryEvent.ExecutionStarted;
import dev.toygres.engine.history.HistoryEvent.OrchestratorStarted;
import dev.toygres.engine.history.HistoryEvent.TimerCreated;
import dev.toygres.engine.history.HistoryEvent.TimerFired;
import dev.toygres.engine.internal.replay.OrchestrationExecutor;
import dev.toygres.engine.internal.replay.StepDecision;
import dev.toygres.engine.internal.replay.StepDecision.Outcome;
import dev.toygres.engine.orchestration.Orchestration;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The orchestration clock on replay, driven by hand-written histories (no database). */
class ReplayClockTest {
  private static final Instant T = Instant.parse("2030-01-01T10:00:00Z");

  private final List<Instant> seen = new ArrayList<>();
  private final List<Boolean> replaying = new ArrayList<>();

  private final Orchestration<Object, Object> code =
      (ctx, in) -> {
        seen.add(ctx.currentTime());
        replaying.add(ctx.isReplaying());
        ctx.createTimer(Duration.ofSeconds(1)).await();
        seen.add(ctx.currentTime());
        replaying.add(ctx.isReplaying());
        ctx.callActivity("a", in, String.class).await();
        seen.add(ctx.currentTime());
        replaying.add(ctx.isReplaying());
        return "done";
      };

  /** Three steps; the third step's clock reads {@code third}. */
  private static List<HistoryEvent> past() {
    return List.of(
        new ExecutionStarted("clock", "1", "\"in\"", null),
        new OrchestratorStarted(T),
        new TimerCreated(0, T.plusSeconds(1)),
        new OrchestratorStarted(T.plusSeconds(1)),
        new TimerFired(0, T.plusSeconds(1)),
        new ActivityScheduled(1, "a", "\"in\""));
  }

  private StepDecision run(Instant third) {
    return OrchestrationExecutor.execute(
        "clock-1",
        1,
        code,
        String.class,
        past(),
        List.of(new OrchestratorStarted(third), new ActivityCompleted(1, "\"x\"")));
  }

  @Test
  void currentTimeIsTheTimeOfTheStepBeingReplayed() {
    StepDecision d = run(T.plusSeconds(5));

    assertThat(d.outcome()).isEqualTo(Outcome.COMPLETED);
    assertThat(seen).containsExactly(T, T.plusSeconds(1), T.plusSeconds(5));
  }

  @Test
  void currentTimeNeverGoesBackEvenIfAStepsClockDoes() {
    StepDecision d = run(T.minus(Duration.ofHours(1)));

    assertThat(d.outcome()).isEqualTo(Outcome.COMPLETED);
    assertThat(seen).containsExactly(T, T.plusSeconds(1), T.plusSeconds(1));
  }

  @Test
  void isReplayingIsTrueOnlyUntilTheCodeReachesThisStepsEvents() {
    run(T.plusSeconds(5));

    assertThat(replaying).containsExactly(true, true, false);
  }

  @Test
  void theSameHistoryAlwaysGivesTheSameDecision() {
    StepDecision first = run(T.plusSeconds(5));
    StepDecision second = run(T.plusSeconds(5));

    assertThat(second).isEqualTo(first);
    assertThat(first.output()).isEqualTo("\"done\"");
    assertThat(first.newWork()).isEmpty();
  }
}
