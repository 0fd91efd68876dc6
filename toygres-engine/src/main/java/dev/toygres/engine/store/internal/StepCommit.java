package dev.toygres.engine.store.internal;

import dev.toygres.engine.FailureDetails;
import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.history.HistoryEvent;
import dev.toygres.engine.history.HistoryEvent.ActivityScheduled;
import java.util.List;
import java.util.UUID;

/**
 * Everything one orchestration step writes, committed in one transaction: history, consumed
 * messages, the instance's new state, and its outbox (activities, timers and messages, new
 * instances).
 *
 * @param firstSeq the history position of the first appended event
 * @param status the instance's status after the step
 * @param version the version to record (resolved on the first step), or null to keep
 * @param next the next execution to start, after a continue-as-new
 */
public record StepCommit(
    String instanceId,
    UUID lockToken,
    int executionId,
    int firstSeq,
    List<HistoryEvent> appended,
    List<Long> consumed,
    OrchestrationStatus status,
    String version,
    String output,
    FailureDetails failure,
    String customStatus,
    boolean customStatusSet,
    NextExecution next,
    List<ActivityScheduled> activities,
    List<OutboundMessage> messages,
    List<NewInstance> newInstances) {

  /** The execution that a continue-as-new starts: its version, input and first events. */
  public record NextExecution(
      int executionId,
      String name,
      String version,
      String input,
      List<HistoryEvent> initialHistory) {}
}
