package dev.toygres.engine.activity;

import java.util.Objects;

/**
 * What an activity knows about the call it serves.
 *
 * @param instanceId the orchestration instance that scheduled it
 * @param executionId that instance's execution
 * @param taskId the task id of the call within that execution
 * @param name the activity's registered name
 * @param dispatchCount how many times this work item has been handed to a worker (1 the first time;
 *     more after a crash or a lost lease)
 * @param lease checks, in a transaction of the activity's, that this worker still holds the call
 */
public record ActivityContext(
    String instanceId,
    int executionId,
    int taskId,
    String name,
    int dispatchCount,
    LeaseFence lease) {

  public ActivityContext {
    Objects.requireNonNull(lease, "lease");
  }

  /** A context whose lease is not checked ({@link LeaseFence#UNCHECKED}): outside a worker. */
  public ActivityContext(
      String instanceId, int executionId, int taskId, String name, int dispatchCount) {
    this(instanceId, executionId, taskId, name, dispatchCount, LeaseFence.UNCHECKED);
  }
}
