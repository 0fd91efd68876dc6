package dev.toygres.engine.orchestration;

/**
 * The durable outcome of something an orchestration scheduled. Tasks are created by the {@link
 * OrchestrationContext} and are only valid inside the orchestration step that created them.
 */
public interface Task<T> {
  /**
   * Returns the result, replaying history as needed. If the outcome is not yet known the step ends
   * here and the orchestration resumes when it is. Throws {@link TaskFailedException} if the work
   * failed, {@link TaskTimeoutException} if it timed out.
   */
  T await();

  /** Whether the outcome is known (from the history replayed so far). */
  boolean isDone();

  /** Whether the outcome is known and is a failure. */
  boolean isFailed();
}
