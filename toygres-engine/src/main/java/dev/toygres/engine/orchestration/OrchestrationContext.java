package dev.toygres.engine.orchestration;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;

/**
 * The only door from orchestration code to the world. Every operation here is deterministic: on
 * replay it gives the same answers from history. Inputs and results are serialized as JSON
 * (Jackson), so they must be JSON-friendly values or records.
 */
public interface OrchestrationContext {

  /** This instance's id. */
  String instanceId();

  /** The execution number: 1 for the first, incremented by every continue-as-new. */
  int executionId();

  /** The registered name of this orchestration. */
  String name();

  /** The version this execution runs with (fixed for the whole execution). */
  String version();

  /** True while the code is re-running steps that are already in history. */
  boolean isReplaying();

  /** The orchestration's clock: the time at which the current step started. Never goes back. */
  Instant currentTime();

  /** A UUID that is the same on every replay (derived from instance, execution and a counter). */
  UUID newUuid();

  /** Calls an activity once, without retry. */
  default <T> Task<T> callActivity(String name, Object input, Class<T> resultType) {
    return callActivity(name, input, resultType, ActivityOptions.defaults());
  }

  /** Calls an activity with a retry policy and an optional per-attempt timeout. */
  <T> Task<T> callActivity(String name, Object input, Class<T> resultType, ActivityOptions options);

  /** Calls a local activity once, without retry, bounded by half the worker's lease. */
  default <T> Task<T> callLocalActivity(String name, Object input, Class<T> resultType) {
    return callLocalActivity(name, input, resultType, ActivityOptions.defaults());
  }

  /**
   * Calls a registered activity as a <em>local activity</em> (docs/engine.md#local-activities): the
   * worker runs it during this step, before the step commits, and records its outcome in the step's
   * own commit, with no activity queue round trip. Replay returns the recorded outcome without
   * running it again.
   *
   * <p>Contract: it runs at least once (a worker that dies, or loses the instance's lease, before
   * the step commits runs the step and the activity again). Retries follow {@code options.retry()}
   * in the worker, sleeping between attempts. All attempts together must fit in half the worker's
   * lease (their worst case, every attempt timing out plus every delay; else the call fails without
   * running, as below, with a {@code LocalActivityTooLong} failure): it is for short work. Each
   * attempt is bounded by {@code options.attemptTimeout()}, or when that is null by an equal share
   * of that half lease left after the delays. The activity's {@code ActivityContext.lease()} is
   * this orchestration step's lease, so a write it fences commits only while this worker still
   * holds the instance. When every attempt failed, {@code await()} throws a {@link
   * TaskFailedException} carrying the last failure. Changing a call between {@code callActivity}
   * and {@code callLocalActivity} is a change of the history (a nondeterminism for running
   * instances unless versioned).
   */
  <T> Task<T> callLocalActivity(
      String name, Object input, Class<T> resultType, ActivityOptions options);

  /** A durable timer that fires after {@code delay} of orchestration time. */
  Task<Void> createTimer(Duration delay);

  /** A durable timer that fires at {@code fireAt} (immediately if in the past). */
  Task<Void> createTimer(Instant fireAt);

  /**
   * Waits for the next external event named {@code name}. Events raised before this call are kept
   * and delivered here in the order they were raised; each event is delivered to one wait only.
   */
  <T> Task<T> waitForEvent(String name, Class<T> type);

  /**
   * Like {@link #waitForEvent(String, Class)}, failing with {@link TaskTimeoutException} after
   * {@code timeout}. An event that arrives after the timeout is kept for the next wait.
   */
  <T> Task<T> waitForEvent(String name, Class<T> type, Duration timeout);

  /**
   * Runs another orchestration as a child with a deterministic instance id ({@code <this
   * id>:<execution id>:<task id>}). Cancelling this instance cancels the child.
   */
  default <T> Task<T> callSubOrchestration(String name, Object input, Class<T> resultType) {
    return callSubOrchestration(name, null, input, resultType);
  }

  /** Runs a child orchestration with the given instance id (null: a deterministic one). */
  <T> Task<T> callSubOrchestration(
      String name, String instanceId, Object input, Class<T> resultType);

  /**
   * Starts an independent orchestration with a caller-chosen id, at the latest version. It has no
   * parent: it outlives this instance and is not cancelled with it. The returned task completes
   * once the new instance exists and fails with a {@link TaskFailedException} (error type {@code
   * OrchestrationAlreadyExists}) if the id is taken; awaiting it is optional.
   */
  Task<Void> startOrchestration(String name, String instanceId, Object input);

  /** Sets the custom status shown by the client; stored when the current step commits. */
  void setCustomStatus(Object status);

  /**
   * Ends this execution and starts a new one of the same instance, with fresh history, {@code
   * input}, and the latest registered version. Events raised but not yet consumed are carried over.
   * This method does not return.
   */
  void continueAsNew(Object input);

  /** Like {@link #continueAsNew(Object)} with an explicit version. Does not return. */
  void continueAsNew(Object input, String version);

  /**
   * Like {@link #continueAsNew(Object)}, but the ended execution is not kept: the new one takes its
   * place in the same commit (its record and history are replaced, its events are not stored), so
   * an orchestration that runs forever stores one execution instead of one per round. The new
   * execution still gets the next execution number, its fresh history and the carried-over events;
   * {@code listExecutions} shows only the current one. Suits loops whose past rounds nobody reads
   * (monitors, actors). This method does not return.
   */
  void continueAsNewInPlace(Object input);

  /** A task that completes when the first of {@code tasks} completes, with that task as result. */
  Task<Task<?>> anyOf(List<? extends Task<?>> tasks);

  /** {@link #anyOf(List)} for a few tasks. */
  default Task<Task<?>> anyOf(Task<?>... tasks) {
    return anyOf(List.of(tasks));
  }

  /** A task that completes with all results in order, or fails as soon as one of them fails. */
  <T> Task<List<T>> allOf(List<? extends Task<T>> tasks);

  /** A logger that is silent while the code replays, so each line is written once. */
  Logger logger();
}
