package dev.toygres.engine.internal.replay;

import dev.toygres.engine.orchestration.Task;
import java.util.List;

/** Completes with the first of its tasks to complete (in history order). */
final class AnyOfTask extends TaskImpl<Task<?>> {
  AnyOfTask(HistoryCursor cursor, List<? extends Task<?>> tasks) {
    super(cursor);
    if (tasks.isEmpty()) {
      throw new IllegalArgumentException("anyOf needs at least one task");
    }
    for (Task<?> t : tasks) {
      ((TaskImpl<?>) t).onDone(() -> complete(t));
    }
  }
}
