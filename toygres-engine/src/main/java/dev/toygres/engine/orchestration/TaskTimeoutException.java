package dev.toygres.engine.orchestration;

import dev.toygres.engine.DurableException;

/** Thrown by {@link Task#await()} when a wait or an activity attempt ran out of time. */
public class TaskTimeoutException extends DurableException {
  private static final long serialVersionUID = 1L;

  public TaskTimeoutException(String message) {
    super(message);
  }
}
