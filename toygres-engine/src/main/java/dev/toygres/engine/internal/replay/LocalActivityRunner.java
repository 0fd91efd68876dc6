package dev.toygres.engine.internal.replay;

import dev.toygres.engine.history.HistoryEvent.LocalActivityRecorded;
import dev.toygres.engine.orchestration.ActivityOptions;

/**
 * Runs the local activities a step calls, in the step (docs/engine.md#local-activities). The
 * worker's runner runs them; replay outside a worker uses {@link #NONE}.
 */
@FunctionalInterface
public interface LocalActivityRunner {
  /** Runs nothing: a local activity that history has not recorded stays new work of the step. */
  LocalActivityRunner NONE = (taskId, name, input, options) -> null;

  /**
   * Runs one call, with its attempts and retries, and returns its outcome to record; or null when
   * this runner does not run activities.
   *
   * @param taskId the call's position in the code
   * @param name the registered activity's name
   * @param input the input as JSON
   * @param options the retry policy and the per-attempt timeout
   */
  LocalActivityRecorded run(int taskId, String name, String input, ActivityOptions options);
}
