package dev.toygres.engine.internal.signal;

/**
 * Thrown out of a step whose local activity could not settle (the worker is stopping, or the
 * instance's lease is lost): the step is abandoned, nothing of it is recorded, and it runs again
 * (with its local activities) on the instance's next dispatch. Never catch this: it is an {@link
 * Error} so that {@code catch (Exception e)} in orchestration code lets it pass.
 */
public final class StepAborted extends Error {
  private static final long serialVersionUID = 1L;

  public StepAborted(String message, Throwable cause) {
    super(message, cause, false, false);
  }
}
