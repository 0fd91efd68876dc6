package dev.toygres.engine.internal.replay;

import dev.toygres.engine.FailureDetails;
import dev.toygres.engine.history.HistoryEvent;
import dev.toygres.engine.history.HistoryEvent.EventRaised;
import dev.toygres.engine.history.HistoryEvent.Scheduling;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What one orchestration step decided: the events to append to history (this step's inputs, the new
 * scheduling events, and a terminal event if the execution ended), the new work, and how the
 * execution stands. {@code activityTimeouts} holds the per-attempt timeouts of activity calls by
 * task id; it is not history (the worker enforces them on the work items). {@code continueInPlace}
 * says that a continue-as-new replaces the ended execution instead of keeping it.
 */
public record StepDecision(
    Outcome outcome,
    List<HistoryEvent> appended,
    List<Scheduling> newWork,
    String output,
    FailureDetails failure,
    String continueInput,
    String continueVersion,
    boolean continueInPlace,
    List<EventRaised> carryOver,
    String customStatus,
    boolean customStatusSet,
    Map<Integer, Duration> activityTimeouts) {

  /** How the execution stands after the step. */
  public enum Outcome {
    RUNNING,
    COMPLETED,
    FAILED,
    CONTINUED_AS_NEW
  }
}
