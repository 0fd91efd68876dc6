package dev.toygres.engine.internal.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.engine.FailureDetails;
import dev.toygres.engine.history.HistoryEvent;
import dev.toygres.engine.history.HistoryEvent.ActivityCompleted;
import dev.toygres.engine.history.HistoryEvent.ActivityScheduled;
import dev.toygres.engine.history.HistoryEvent.EventRaised;
import dev.toygres.engine.history.HistoryEvent.ExecutionStarted;
import dev.toygres.engine.history.HistoryEvent.LocalActivityRecorded;
import dev.toygres.engine.history.HistoryEvent.OrchestratorStarted;
import dev.toygres.engine.history.HistoryEvent.TimerCreated;
import dev.toygres.engine.history.HistoryEvent.TimerFired;
import dev.toygres.engine.internal.replay.StepDecision.Outcome;
import dev.toygres.engine.orchestration.NonDeterminismException;
import dev.toygres.engine.orchestration.Orchestration;
import dev.toygres.engine.orchestration.TaskFailedException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A local activity runs in the step that calls it, and replay returns what that step recorded. */
class LocalActivityReplayTest {
  private static final Instant T0 = Instant.parse("2026-11-30T12:00:00Z");
  private static final ExecutionStarted START = new ExecutionStarted("o", "1", "7", null);

  /** Checks with a local activity, sleeps, then returns the check's result. */
  @SuppressWarnings("unchecked")
  private static final Orchestration<Object, Object> CHECK_THEN_SLEEP =
      (Orchestration<Object, Object>)
          (Orchestration<?, ?>)
              (Orchestration<Integer, String>)
                  (ctx, n) -> {
                    String r;
                    try {
                      r = ctx.callLocalActivity("check", n, String.class).await();
                    } catch (TaskFailedException e) {
                      r = "failed: " + e.failure().errorType();
                    }
                    ctx.createTimer(Duration.ofSeconds(30)).await();
                    return r;
                  };

  /** A runner that counts its runs and answers "ok-<input>". */
  private static final class CountingRunner implements LocalActivityRunner {
    final List<String> ran = new ArrayList<>();

    @Override
    public LocalActivityRecorded run(
        int taskId,
        String name,
        String input,
        dev.toygres.engine.orchestration.ActivityOptions options) {
      ran.add(name + "(" + input + ")");
      return new LocalActivityRecorded(taskId, name, "\"ok-" + input + "\"", null, 1);
    }
  }

  private static final LocalActivityRunner MUST_NOT_RUN =
      (taskId, name, input, options) -> {
        throw new AssertionError("replay ran local activity '" + name + "' again");
      };

  private static StepDecision step(
      Orchestration<Object, Object> code,
      List<HistoryEvent> past,
      List<HistoryEvent> fresh,
      LocalActivityRunner runner) {
    return OrchestrationExecutor.execute("i-1", 1, code, Integer.class, past, fresh, runner);
  }

  @Test
  void theStepRunsTheLocalActivityAndAppendsItsOutcomeBeforeTheWorkItSchedules() {
    CountingRunner runner = new CountingRunner();

    StepDecision d =
        step(CHECK_THEN_SLEEP, List.of(START), List.of(new OrchestratorStarted(T0)), runner);

    assertThat(runner.ran).containsExactly("check(7)");
    assertThat(d.outcome()).isEqualTo(Outcome.RUNNING);
    assertThat(d.appended())
        .containsExactly(
            new OrchestratorStarted(T0),
            new LocalActivityRecorded(0, "check", "\"ok-7\"", null, 1),
            new TimerCreated(1, T0.plusSeconds(30)));
    assertThat(d.newWork()).containsExactly(new TimerCreated(1, T0.plusSeconds(30)));
  }

  @Test
  void replayReturnsTheRecordedResultWithoutRunningTheActivityAgain() {
    StepDecision first =
        step(
            CHECK_THEN_SLEEP,
            List.of(START),
            List.of(new OrchestratorStarted(T0)),
            new CountingRunner());
    List<HistoryEvent> past = new ArrayList<>(List.of(START));
    past.addAll(first.appended());

    StepDecision d =
        step(
            CHECK_THEN_SLEEP,
            past,
            List.of(
                new OrchestratorStarted(T0.plusSeconds(30)), new TimerFired(1, T0.plusSeconds(30))),
            MUST_NOT_RUN);

    assertThat(d.outcome()).isEqualTo(Outcome.COMPLETED);
    assertThat(d.output()).isEqualTo("\"ok-7\"");
  }

  @Test
  void aRecordedFailureIsThrownByAwaitOnReplayToo() {
    FailureDetails boom = FailureDetails.of("ConnectException", "refused");
    List<HistoryEvent> past =
        List.of(
            START,
            new OrchestratorStarted(T0),
            new LocalActivityRecorded(0, "check", null, boom, 3),
            new TimerCreated(1, T0.plusSeconds(30)));

    StepDecision d =
        step(
            CHECK_THEN_SLEEP,
            past,
            List.of(
                new OrchestratorStarted(T0.plusSeconds(30)), new TimerFired(1, T0.plusSeconds(30))),
            MUST_NOT_RUN);

    assertThat(d.output()).isEqualTo("\"failed: ConnectException\"");
  }

  @Test
  void aLocalActivityThatIsNotAwaitedStillRunsBeforeTheStepEnds() {
    CountingRunner runner = new CountingRunner();
    @SuppressWarnings("unchecked")
    Orchestration<Object, Object> fireAndWait =
        (Orchestration<Object, Object>)
            (Orchestration<?, ?>)
                (Orchestration<Integer, String>)
                    (ctx, n) -> {
                      ctx.callLocalActivity("audit", n, String.class);
                      return ctx.waitForEvent("go", String.class).await();
                    };

    StepDecision d =
        step(fireAndWait, List.of(START), List.of(new OrchestratorStarted(T0)), runner);

    assertThat(runner.ran).containsExactly("audit(7)");
    assertThat(d.outcome()).isEqualTo(Outcome.RUNNING);
    assertThat(d.appended()).hasSize(2).last().isInstanceOf(LocalActivityRecorded.class);
    assertThat(d.newWork()).isEmpty();
  }

  @Test
  void anEventThatArrivedWithTheStepIsRecordedBeforeTheLocalActivityAndReplaysInThatOrder() {
    @SuppressWarnings("unchecked")
    Orchestration<Object, Object> both =
        (Orchestration<Object, Object>)
            (Orchestration<?, ?>)
                (Orchestration<Integer, String>)
                    (ctx, n) -> {
                      String r = ctx.callLocalActivity("check", n, String.class).await();
                      return r + "+" + ctx.waitForEvent("go", String.class).await();
                    };
    List<HistoryEvent> fresh =
        List.of(new OrchestratorStarted(T0), new EventRaised("go", "\"now\""));

    StepDecision d = step(both, List.of(START), fresh, new CountingRunner());

    assertThat(d.output()).isEqualTo("\"ok-7+now\"");
    assertThat(d.appended().subList(0, 3))
        .containsExactly(
            new OrchestratorStarted(T0),
            new EventRaised("go", "\"now\""),
            new LocalActivityRecorded(0, "check", "\"ok-7\"", null, 1));
    List<HistoryEvent> past = new ArrayList<>(List.of(START));
    past.addAll(d.appended());
    StepDecision replayed =
        step(both, past, List.of(new OrchestratorStarted(T0.plusSeconds(1))), MUST_NOT_RUN);
    assertThat(replayed.output()).isEqualTo("\"ok-7+now\"");
  }

  @Test
  void codeChangedFromActivityToLocalActivityAtTheSamePositionIsANondeterminism() {
    List<HistoryEvent> past =
        List.of(
            START,
            new OrchestratorStarted(T0),
            new ActivityScheduled(0, "check", "7"),
            new OrchestratorStarted(T0.plusSeconds(1)),
            new ActivityCompleted(0, "\"ok\""),
            new TimerCreated(1, T0.plusSeconds(31)));

    StepDecision d =
        step(
            CHECK_THEN_SLEEP,
            past,
            List.of(new OrchestratorStarted(T0.plusSeconds(31))),
            new CountingRunner());

    assertThat(d.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(d.failure().errorType()).isEqualTo(NonDeterminismException.class.getName());
    assertThat(d.failure().message())
        .contains("history has activity 'check' as task 0, but the code scheduled local activity");
  }

  @Test
  void codeChangedFromLocalActivityToActivityAtTheSamePositionIsANondeterminism() {
    @SuppressWarnings("unchecked")
    Orchestration<Object, Object> remote =
        (Orchestration<Object, Object>)
            (Orchestration<?, ?>)
                (Orchestration<Integer, String>)
                    (ctx, n) -> {
                      String r = ctx.callActivity("check", n, String.class).await();
                      ctx.createTimer(Duration.ofSeconds(30)).await();
                      return r;
                    };
    List<HistoryEvent> past =
        List.of(
            START,
            new OrchestratorStarted(T0),
            new LocalActivityRecorded(0, "check", "\"ok\"", null, 1),
            new TimerCreated(1, T0.plusSeconds(30)));

    StepDecision d =
        step(remote, past, List.of(new OrchestratorStarted(T0.plusSeconds(30))), MUST_NOT_RUN);

    assertThat(d.failure().message())
        .contains(
            "history has local activity 'check' as task 0, but the code scheduled activity"
                + " 'check'");
  }

  @Test
  void withoutARunnerAnUnrecordedLocalActivityIsNewWorkOfTheStep() {
    StepDecision d =
        step(
            CHECK_THEN_SLEEP,
            List.of(START),
            List.of(new OrchestratorStarted(T0)),
            LocalActivityRunner.NONE);

    assertThat(d.outcome()).isEqualTo(Outcome.RUNNING);
    assertThat(d.newWork()).containsExactly(new LocalActivityRecorded(0, "check", null, null, 0));
  }
}
