package dev.toygres.engine.internal.replay;

import dev.toygres.engine.FailureDetails;
import dev.toygres.engine.history.HistoryEvent;
import dev.toygres.engine.history.HistoryEvent.EventRaised;
import dev.toygres.engine.history.HistoryEvent.Scheduling;
import java.util.List;

/**
 * What one orchestration step decided: the events to append to history (this step's inputs, the new
 * scheduling events, and a terminal event if the execution ended), the new work, and how the
 * execution stands.
 */
public record StepDecision(
    Outcome outcome,
    List<HistoryEvent> appended,
    List<Scheduling> newWork,
    String output,
    FailureDetails failure,
    String continueInput,
    String continueVersion,
    List<EventRaised> carryOver,
    String customStatus,
    boolean customStatusSet) {

  /** How the execution stands after the step. */
  public enum Outcome {
    RUNNING,
    COMPLETED,
    FAILED,
    CONTINUED_AS_NEW
  }
}
