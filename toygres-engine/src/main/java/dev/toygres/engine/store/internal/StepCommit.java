package dev.toygres.engine.store.internal;

import dev.toygres.engine.FailureDetails;
import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.history.HistoryEvent;
import dev.toygres.engine.history.HistoryEvent.ActivityScheduled;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Everything one orchestration step writes, committed in one transaction: history, consumed
 * messages, the instance's new state, and its outbox (activities, timers and messages, new
 * instances). Built with {@link #after}, whose last call says how the step leaves the execution.
 *
 * @param firstSeq the history position of the first appended event
 * @param status the instance's status after the step
 * @param version the version to record (resolved on the first step), or null to keep
 * @param failure why the execution failed or was cancelled; null otherwise
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
    List<NewInstance> newInstances,
    Map<Integer, Duration> activityTimeouts) {

  /** A step whose activity calls have no per-attempt timeout. */
  public StepCommit(
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
    this(
        instanceId,
        lockToken,
        executionId,
        firstSeq,
        appended,
        consumed,
        status,
        version,
        output,
        failure,
        customStatus,
        customStatusSet,
        next,
        activities,
        messages,
        newInstances,
        Map.of());
  }

  public StepCommit {
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(lockToken, "lockToken");
    Objects.requireNonNull(status, "status");
    appended = List.copyOf(appended);
    consumed = List.copyOf(consumed);
    activities = List.copyOf(activities);
    messages = List.copyOf(messages);
    newInstances = List.copyOf(newInstances);
    activityTimeouts = activityTimeouts == null ? Map.of() : Map.copyOf(activityTimeouts);
    if (executionId < 1 || firstSeq < 0) {
      throw new IllegalArgumentException(
          "step of '" + instanceId + "': execution " + executionId + ", first seq " + firstSeq);
    }
    if (status == OrchestrationStatus.CONTINUED_AS_NEW
        || (next != null && status != OrchestrationStatus.RUNNING)) {
      throw new IllegalArgumentException(
          "step of '"
              + instanceId
              + "': an instance that continues as new stays running (status "
              + status
              + ", next execution "
              + next
              + ")");
    }
    boolean ends = status == OrchestrationStatus.FAILED || status == OrchestrationStatus.CANCELLED;
    if (ends != (failure != null)) {
      throw new IllegalArgumentException(
          "step of '"
              + instanceId
              + "': a failure goes with status failed or cancelled, and only with them (status "
              + status
              + ", failure "
              + failure
              + ")");
    }
    if (!customStatusSet && customStatus != null) {
      throw new IllegalArgumentException(
          "step of '" + instanceId + "': a custom status given but not marked as set");
    }
  }

  /** Starts the commit of a step taken on {@code item}: it appends after the item's history. */
  public static Builder after(OrchestrationWorkItem item) {
    return new Builder(
        item.instanceId(), item.lockToken(), item.executionId(), item.history().size());
  }

  /**
   * The execution that a continue-as-new starts: its version, input and first events, and, when the
   * worker already ran it, its first step.
   *
   * @param firstStep the new execution's first step, committed with this one (no wake-up message is
   *     queued for it then); null to leave it to a step of its own
   * @param inPlace whether the new execution replaces the ended one (its record and history) rather
   *     than being stored beside it
   */
  public record NextExecution(
      int executionId,
      String name,
      String version,
      String input,
      List<HistoryEvent> initialHistory,
      FirstStep firstStep,
      boolean inPlace) {
    public NextExecution {
      Objects.requireNonNull(name, "name");
      initialHistory = List.copyOf(initialHistory);
    }

    /** A next execution kept beside the ended one, its first step left to a step of its own. */
    public NextExecution(
        int executionId,
        String name,
        String version,
        String input,
        List<HistoryEvent> initialHistory) {
      this(executionId, name, version, input, initialHistory, null, false);
    }

    /** This next execution with its first step run already. */
    public NextExecution withFirstStep(FirstStep first) {
      return new NextExecution(executionId, name, version, input, initialHistory, first, inPlace);
    }
  }

  /**
   * The first step of the execution a continue-as-new starts, run in the same step: the events it
   * appends after the initial history and its outbox (addressed to the new execution). It leaves
   * the execution running.
   */
  public record FirstStep(
      List<HistoryEvent> appended,
      List<ActivityScheduled> activities,
      Map<Integer, Duration> activityTimeouts,
      List<OutboundMessage> messages,
      List<NewInstance> newInstances) {
    public FirstStep {
      appended = List.copyOf(appended);
      activities = List.copyOf(activities);
      activityTimeouts = Map.copyOf(activityTimeouts);
      messages = List.copyOf(messages);
      newInstances = List.copyOf(newInstances);
    }
  }

  /**
   * What a step writes, gathered call by call. Every part is empty (or kept as stored) unless set;
   * the last call names how the step leaves the execution and returns the commit.
   */
  public static final class Builder {
    private final String instanceId;
    private final UUID lockToken;
    private final int executionId;
    private final int firstSeq;
    private String version;
    private List<HistoryEvent> appended = List.of();
    private List<Long> consumed = List.of();
    private String customStatus;
    private boolean customStatusSet;
    private List<ActivityScheduled> activities = List.of();
    private List<OutboundMessage> messages = List.of();
    private List<NewInstance> newInstances = List.of();
    private Map<Integer, Duration> activityTimeouts = Map.of();

    private Builder(String instanceId, UUID lockToken, int executionId, int firstSeq) {
      this.instanceId = instanceId;
      this.lockToken = lockToken;
      this.executionId = executionId;
      this.firstSeq = firstSeq;
    }

    /** The version to record (the one resolved on the first step), or null to keep the stored. */
    public Builder version(String version) {
      this.version = version;
      return this;
    }

    /** The events the step appends to history, in order. */
    public Builder appending(List<HistoryEvent> events) {
      this.appended = events;
      return this;
    }

    /** The ids of the queue messages the step read; they are deleted with the commit. */
    public Builder consuming(List<Long> messageIds) {
      this.consumed = messageIds;
      return this;
    }

    /** Replaces the instance's custom status with this JSON text (null clears it). */
    public Builder customStatus(String json) {
      this.customStatus = json;
      this.customStatusSet = true;
      return this;
    }

    /** The activity calls to queue. */
    public Builder activities(List<ActivityScheduled> calls) {
      this.activities = calls;
      return this;
    }

    /** The per-attempt timeouts of some of the activity calls, by task id. */
    public Builder activityTimeouts(Map<Integer, Duration> timeouts) {
      this.activityTimeouts = timeouts;
      return this;
    }

    /** The messages to send: timers to this instance, outcomes to a parent, cancels to children. */
    public Builder messages(List<OutboundMessage> outbound) {
      this.messages = outbound;
      return this;
    }

    /** The sub-orchestrations and detached orchestrations to create. */
    public Builder newInstances(List<NewInstance> instances) {
      this.newInstances = instances;
      return this;
    }

    /** The execution keeps running: its code waits for something history does not hold yet. */
    public StepCommit keepsRunning() {
      return build(OrchestrationStatus.RUNNING, null, null, null);
    }

    /** The execution completed with {@code output} (JSON text). */
    public StepCommit completes(String output) {
      return build(OrchestrationStatus.COMPLETED, output, null, null);
    }

    /** The execution failed: its code threw, or the engine gave up on it (a poisoned step). */
    public StepCommit fails(FailureDetails failure) {
      return build(OrchestrationStatus.FAILED, null, Objects.requireNonNull(failure), null);
    }

    /** The execution was cancelled; {@code failure} carries the reason. */
    public StepCommit cancelled(FailureDetails failure) {
      return build(OrchestrationStatus.CANCELLED, null, Objects.requireNonNull(failure), null);
    }

    /** The execution ended by continuing as new: {@code next} starts in the same commit. */
    public StepCommit continuesAsNew(NextExecution next) {
      return build(OrchestrationStatus.RUNNING, null, null, Objects.requireNonNull(next));
    }

    private StepCommit build(
        OrchestrationStatus status, String output, FailureDetails failure, NextExecution next) {
      return new StepCommit(
          instanceId,
          lockToken,
          executionId,
          firstSeq,
          appended,
          consumed,
          status,
          version,
          output,
          failure,
          customStatus,
          customStatusSet,
          next,
          activities,
          messages,
          newInstances,
          activityTimeouts);
    }
  }
}
