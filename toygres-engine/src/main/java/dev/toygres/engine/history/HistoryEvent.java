package dev.toygres.engine.history;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.toygres.engine.FailureDetails;
import java.time.Instant;

/**
 * One event in the history of an orchestration execution. The history is the only state of an
 * orchestration: replaying the code against it gives back the same decisions. Events that schedule
 * work carry a {@code taskId}, the position of the scheduling call in the code; the events that
 * complete that work carry the same id.
 *
 * <p>A new kind must be added to {@code @JsonSubTypes} below and handled by every dispatch over
 * history events; each of those ends in an error naming the kind it has no case for, and the
 * engine's unit tests feed every permitted kind to each of them.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = HistoryEvent.ExecutionStarted.class, name = "ExecutionStarted"),
  @JsonSubTypes.Type(value = HistoryEvent.OrchestratorStarted.class, name = "OrchestratorStarted"),
  @JsonSubTypes.Type(value = HistoryEvent.ActivityScheduled.class, name = "ActivityScheduled"),
  @JsonSubTypes.Type(value = HistoryEvent.ActivityCompleted.class, name = "ActivityCompleted"),
  @JsonSubTypes.Type(value = HistoryEvent.ActivityFailed.class, name = "ActivityFailed"),
  @JsonSubTypes.Type(value = HistoryEvent.TimerCreated.class, name = "TimerCreated"),
  @JsonSubTypes.Type(value = HistoryEvent.TimerFired.class, name = "TimerFired"),
  @JsonSubTypes.Type(
      value = HistoryEvent.SubOrchestrationScheduled.class,
      name = "SubOrchestrationScheduled"),
  @JsonSubTypes.Type(
      value = HistoryEvent.SubOrchestrationCompleted.class,
      name = "SubOrchestrationCompleted"),
  @JsonSubTypes.Type(
      value = HistoryEvent.SubOrchestrationFailed.class,
      name = "SubOrchestrationFailed"),
  @JsonSubTypes.Type(
      value = HistoryEvent.DetachedStartScheduled.class,
      name = "DetachedStartScheduled"),
  @JsonSubTypes.Type(
      value = HistoryEvent.DetachedStartCompleted.class,
      name = "DetachedStartCompleted"),
  @JsonSubTypes.Type(
      value = HistoryEvent.LocalActivityRecorded.class,
      name = "LocalActivityRecorded"),
  @JsonSubTypes.Type(value = HistoryEvent.EventRaised.class, name = "EventRaised"),
  @JsonSubTypes.Type(value = HistoryEvent.ExecutionCompleted.class, name = "ExecutionCompleted"),
  @JsonSubTypes.Type(value = HistoryEvent.ExecutionFailed.class, name = "ExecutionFailed"),
  @JsonSubTypes.Type(value = HistoryEvent.ContinuedAsNew.class, name = "ContinuedAsNew"),
  @JsonSubTypes.Type(value = HistoryEvent.ExecutionCancelled.class, name = "ExecutionCancelled"),
})
public sealed interface HistoryEvent {

  /** The name under which this event kind is stored and shown. */
  default String kind() {
    return getClass().getSimpleName();
  }

  /** Events that schedule work at a position of the code. */
  sealed interface Scheduling extends HistoryEvent {
    int taskId();

    /** What the code scheduled, for nondeterminism messages. */
    String describe();
  }

  /** Events that complete work scheduled earlier. */
  sealed interface Completion extends HistoryEvent {
    int taskId();
  }

  /** Reference from a sub-orchestration to the execution and task of its parent. */
  record ParentRef(String instanceId, int executionId, int taskId) {}

  /** First event of every execution. {@code parent} is null for top-level instances. */
  record ExecutionStarted(String name, String version, String input, ParentRef parent)
      implements HistoryEvent {}

  /** Marks the start of one orchestration step; its time is the orchestration's current time. */
  record OrchestratorStarted(Instant time) implements HistoryEvent {}

  record ActivityScheduled(int taskId, String name, String input) implements Scheduling {
    @Override
    public String describe() {
      return "activity '" + name + "'";
    }
  }

  record ActivityCompleted(int taskId, String result) implements Completion {}

  record ActivityFailed(int taskId, FailureDetails failure) implements Completion {}

  record TimerCreated(int taskId, Instant fireAt) implements Scheduling {
    @Override
    public String describe() {
      return "timer";
    }
  }

  record TimerFired(int taskId, Instant fireAt) implements Completion {}

  record SubOrchestrationScheduled(
      int taskId, String name, String version, String instanceId, String input)
      implements Scheduling {
    @Override
    public String describe() {
      return "sub-orchestration '" + name + "'";
    }
  }

  record SubOrchestrationCompleted(int taskId, String result) implements Completion {}

  record SubOrchestrationFailed(int taskId, FailureDetails failure) implements Completion {}

  /** A detached orchestration start: the new instance has no parent and outlives this one. */
  record DetachedStartScheduled(
      int taskId, String name, String version, String instanceId, String input)
      implements Scheduling {
    @Override
    public String describe() {
      return "detached start of '" + name + "'";
    }
  }

  /** Outcome of a detached start; {@code failure} is null when the instance was created. */
  record DetachedStartCompleted(int taskId, FailureDetails failure) implements Completion {}

  /**
   * A local activity, run by the step that recorded it (docs/engine.md#local-activities): both its
   * scheduling and its outcome, {@code result} (JSON) when an attempt returned, else {@code
   * failure} after {@code attempts} attempts. Replay returns this outcome and never runs the
   * activity again.
   */
  record LocalActivityRecorded(
      int taskId, String name, String result, FailureDetails failure, int attempts)
      implements Scheduling {
    public LocalActivityRecorded {
      if (attempts < 0) {
        throw new IllegalArgumentException("attempts must not be negative, was " + attempts);
      }
    }

    @Override
    public String describe() {
      return "local activity '" + name + "'";
    }
  }

  /** An external event raised on the instance. */
  record EventRaised(String name, String data) implements HistoryEvent {}

  record ExecutionCompleted(String output) implements HistoryEvent {}

  record ExecutionFailed(FailureDetails failure) implements HistoryEvent {}

  /** The execution ended and a new one of the same instance starts with {@code input}. */
  record ContinuedAsNew(String input, String version) implements HistoryEvent {}

  record ExecutionCancelled(String reason) implements HistoryEvent {}
}
