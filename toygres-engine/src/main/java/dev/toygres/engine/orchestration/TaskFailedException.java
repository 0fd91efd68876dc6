package dev.toygres.engine.orchestration;

import dev.toygres.engine.DurableException;
import dev.toygres.engine.FailureDetails;

/** Thrown by {@link Task#await()} when the activity or sub-orchestration failed. */
public class TaskFailedException extends DurableException {
  private static final long serialVersionUID = 1L;
  private final transient FailureDetails failure;
  private final String taskName;
  private final int taskId;

  public TaskFailedException(String taskName, int taskId, FailureDetails failure) {
    super(taskName + " (task " + taskId + ") failed: " + failure);
    this.failure = failure;
    this.taskName = taskName;
    this.taskId = taskId;
  }

  /** The error as the failed side reported it. */
  public FailureDetails failure() {
    return failure;
  }

  public String taskName() {
    return taskName;
  }

  public int taskId() {
    return taskId;
  }
}
