package dev.toygres.engine.internal.replay;

import dev.toygres.engine.FailureDetails;
import dev.toygres.engine.internal.Json;
import dev.toygres.engine.orchestration.TaskFailedException;

/** A task completed by one history event: an activity, timer, sub-orchestration or start. */
final class CompletionTask<T> extends TaskImpl<T> {
  private final String description;
  private final int taskId;
  private final Class<T> resultType;

  CompletionTask(HistoryCursor cursor, String description, int taskId, Class<T> resultType) {
    super(cursor);
    this.description = description;
    this.taskId = taskId;
    this.resultType = resultType;
  }

  void completeJson(String json) {
    T result;
    try {
      result = Json.read(json, resultType);
    } catch (RuntimeException e) {
      fail(e);
      return;
    }
    complete(result);
  }

  void failWith(FailureDetails failure) {
    fail(new TaskFailedException(description, taskId, failure));
  }
}
