package dev.toygres.controlplane.actor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.engine.FailureDetails;
import dev.toygres.engine.history.HistoryEvent;
import dev.toygres.engine.history.HistoryEvent.ActivityCompleted;
import dev.toygres.engine.history.HistoryEvent.ActivityFailed;
import dev.toygres.engine.history.HistoryEvent.ActivityScheduled;
import dev.toygres.engine.history.HistoryEvent.EventRaised;
import dev.toygres.engine.history.HistoryEvent.ExecutionStarted;
import dev.toygres.engine.history.HistoryEvent.LocalActivityRecorded;
import dev.toygres.engine.history.HistoryEvent.OrchestratorStarted;
import dev.toygres.engine.history.HistoryEvent.TimerCreated;
import dev.toygres.engine.history.HistoryEvent.TimerFired;
import dev.toygres.engine.internal.Json;
import dev.toygres.engine.internal.replay.LocalActivityRunner;
import dev.toygres.engine.internal.replay.OrchestrationExecutor;
import dev.toygres.engine.internal.replay.StepDecision;
import dev.toygres.engine.internal.replay.StepDecision.Outcome;
import dev.toygres.engine.orchestration.Orchestration;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The actor's waits, decided by its code over histories built here (no database, no worker). */
class InstanceActorTest {
  private static final Duration INTERVAL = Duration.ofSeconds(30);
  private static final Cadence CADENCE = new Cadence(INTERVAL);
  private static final UUID INSTANCE = UUID.fromString("33d383dd-b4b1-4ef6-bb73-a69ef8813563");
  private static final String ACTOR = "actor-rec-2f3o6a-668bcb64";
  private static final Instant DUE =
      CADENCE.nextDue(INSTANCE, Instant.parse("2026-11-30T04:41:00Z"));

  @SuppressWarnings("unchecked")
  private static StepDecision step(List<HistoryEvent> past, List<HistoryEvent> fresh) {
    return OrchestrationExecutor.execute(
        ACTOR,
        2,
        (Orchestration<Object, Object>) (Orchestration<?, ?>) new InstanceActor(INTERVAL),
        InstanceActor.Input.class,
        past,
        fresh);
  }

  /**
   * Version 2's first step of an execution started at {@code start}, its quick check answered by
   * {@code quick} (the local activity's recorded outcome).
   */
  @SuppressWarnings("unchecked")
  private static StepDecision quickStep(Instant start, LocalActivityRunner quick) {
    return OrchestrationExecutor.execute(
        ACTOR,
        2,
        (Orchestration<Object, Object>) (Orchestration<?, ?>) new InstanceActor(INTERVAL, true),
        InstanceActor.Input.class,
        List.of(
            new ExecutionStarted(
                InstanceActor.NAME,
                InstanceActor.QUICK_CHECK_VERSION,
                Json.write(new InstanceActor.Input(INSTANCE, 7)),
                null)),
        List.of(new OrchestratorStarted(start)),
        quick);
  }

  private static LocalActivityRunner quickAnswers(ActorCheck.Result result) {
    return (taskId, name, input, options) -> {
      assertThat(name).isEqualTo(ActorCheck.QUICK);
      assertThat(input).isEqualTo(Json.write(new ActorCheck.Input(INSTANCE, ACTOR)));
      return new LocalActivityRecorded(taskId, name, Json.write(result), null, 1);
    };
  }

  private static Collection<String> scheduled(StepDecision d) {
    return d.newWork().stream()
        .filter(ActivityScheduled.class::isInstance)
        .map(w -> ((ActivityScheduled) w).name())
        .toList();
  }

  /** An execution that started at {@code start} and scheduled its check. */
  private static List<HistoryEvent> checking(Instant start) {
    List<HistoryEvent> past = new ArrayList<>();
    past.add(
        new ExecutionStarted(
            InstanceActor.NAME, "1", Json.write(new InstanceActor.Input(INSTANCE, 7)), null));
    past.add(new OrchestratorStarted(start));
    past.add(
        new ActivityScheduled(
            0, ActorCheck.NAME, Json.write(new ActorCheck.Input(INSTANCE, ACTOR))));
    return past;
  }

  private static String healthy(Long lookAgainMillis) {
    return Json.write(new ActorCheck.Result(false, null, "healthy", 0, lookAgainMillis));
  }

  private static Instant timerOf(StepDecision d) {
    assertThat(d.outcome()).isEqualTo(Outcome.RUNNING);
    assertThat(d.newWork()).hasSize(1).first().isInstanceOf(TimerCreated.class);
    return ((TimerCreated) d.newWork().get(0)).fireAt();
  }

  @Test
  void afterACheckTheActorWaitsForItsNextDueTimeNotAWholeIntervalFromNow() {
    Instant done = DUE.plusMillis(1_700);

    StepDecision d =
        step(
            checking(DUE.plusMillis(1_200)),
            List.of(new OrchestratorStarted(done), new ActivityCompleted(0, healthy(null))));

    assertThat(timerOf(d)).isEqualTo(DUE.plus(INTERVAL)).isBefore(done.plus(INTERVAL));
  }

  @Test
  void aCheckThatEndsPastItsNextDueTimeSkipsToTheOneAfter() {
    Instant done = DUE.plus(INTERVAL).plusSeconds(4);

    StepDecision d =
        step(
            checking(DUE),
            List.of(new OrchestratorStarted(done), new ActivityCompleted(0, healthy(null))));

    assertThat(timerOf(d)).isEqualTo(DUE.plus(INTERVAL.multipliedBy(2)));
  }

  @Test
  void aFailedProbeIsConfirmedAfterTheRetryDelay() {
    Instant done = DUE.plusMillis(300);

    StepDecision d =
        step(
            checking(DUE),
            List.of(
                new OrchestratorStarted(done),
                new ActivityCompleted(
                    0, Json.write(new ActorCheck.Result(false, null, "healthy", 1, 2_000L)))));

    assertThat(timerOf(d)).isEqualTo(done.plusSeconds(2));
  }

  @Test
  void aRestartDueAfterTheNextDueTimeWaitsOnlyUntilTheNextDueTime() {
    Instant done = DUE.plusSeconds(10);

    StepDecision d =
        step(
            checking(DUE),
            List.of(new OrchestratorStarted(done), new ActivityCompleted(0, healthy(300_000L))));

    assertThat(timerOf(d)).isEqualTo(DUE.plus(INTERVAL));
  }

  @Test
  void aFailedCheckWaitsForTheNextDueTime() {
    Instant done = DUE.plusSeconds(1);

    StepDecision d =
        step(
            checking(DUE),
            List.of(
                new OrchestratorStarted(done),
                new ActivityFailed(0, FailureDetails.of("CmsUnreachable", "connection refused"))));

    assertThat(timerOf(d)).isEqualTo(DUE.plus(INTERVAL));
  }

  @Test
  void aMessageWakesTheActorBeforeItsDueTimeAndTheNextIterationKeepsTheInputShape() {
    List<HistoryEvent> past = checking(DUE);
    past.add(new OrchestratorStarted(DUE.plusSeconds(1)));
    past.add(new ActivityCompleted(0, healthy(null)));
    past.add(new TimerCreated(1, DUE.plus(INTERVAL)));

    StepDecision d =
        step(
            past,
            List.of(
                new OrchestratorStarted(DUE.plusSeconds(9)),
                new EventRaised(InstanceActor.MESSAGE, Json.write("stopped"))));

    assertThat(d.outcome()).isEqualTo(Outcome.CONTINUED_AS_NEW);
    assertThat(d.continueInput())
        .isEqualTo("{\"instanceId\":\"" + INSTANCE + "\",\"iteration\":8}");
  }

  @Test
  void theTimerAtTheDueTimeEndsTheIteration() {
    List<HistoryEvent> past = checking(DUE);
    past.add(new OrchestratorStarted(DUE.plusSeconds(1)));
    past.add(new ActivityCompleted(0, healthy(null)));
    past.add(new TimerCreated(1, DUE.plus(INTERVAL)));

    StepDecision d =
        step(
            past,
            List.of(
                new OrchestratorStarted(DUE.plus(INTERVAL).plusMillis(3)),
                new TimerFired(1, DUE.plus(INTERVAL))));

    assertThat(d.outcome()).isEqualTo(Outcome.CONTINUED_AS_NEW);
    assertThat(d.continueInPlace())
        .as("the next iteration replaces this one instead of being stored beside it")
        .isTrue();
  }

  @Test
  void versionTwoChecksAHealthyInstanceInItsFirstStepAndWaitsForTheNextDueTime() {
    StepDecision d =
        quickStep(
            DUE.plusMillis(5),
            quickAnswers(new ActorCheck.Result(false, null, "healthy", 0, null)));

    assertThat(scheduled(d)).as("no activity: the quick check was enough").isEmpty();
    assertThat(d.appended()).filteredOn(LocalActivityRecorded.class::isInstance).hasSize(1);
    assertThat(timerOf(d)).isEqualTo(DUE.plus(INTERVAL));
  }

  @Test
  void versionTwoRunsTheFullCheckAsAnActivityWhenTheQuickOneAsksForIt() {
    StepDecision d = quickStep(DUE, quickAnswers(ActorCheck.Result.escalate("connection refused")));

    assertThat(d.outcome()).isEqualTo(Outcome.RUNNING);
    assertThat(scheduled(d)).containsExactly(ActorCheck.NAME);
  }

  @Test
  void versionTwoRunsTheFullCheckWhenTheQuickOneFails() {
    StepDecision d =
        quickStep(
            DUE,
            (taskId, name, input, options) ->
                new LocalActivityRecorded(
                    taskId,
                    name,
                    null,
                    FailureDetails.of("TaskTimeoutException", "did not finish within PT2.5S"),
                    1));

    assertThat(scheduled(d)).containsExactly(ActorCheck.NAME);
  }

  @Test
  void aCheckThatSaysStopEndsTheActorWithoutATimer() {
    StepDecision d =
        step(
            checking(DUE),
            List.of(
                new OrchestratorStarted(DUE.plusSeconds(1)),
                new ActivityCompleted(
                    0, Json.write(new ActorCheck.Result(true, "superseded", null, 0, null)))));

    assertThat(d.outcome()).isEqualTo(Outcome.COMPLETED);
    assertThat(d.newWork()).isEmpty();
  }
}
