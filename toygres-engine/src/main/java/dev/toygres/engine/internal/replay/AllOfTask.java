package dev.toygres.engine.internal.replay;

import dev.toygres.engine.orchestration.Task;
import java.util.ArrayList;
import java.util.List;

/** Completes with every result in order, or fails with the first failure (in history order). */
final class AllOfTask<T> extends TaskImpl<List<T>> {
  private final List<TaskImpl<T>> tasks = new ArrayList<>();
  private int remaining;

  @SuppressWarnings("unchecked")
  AllOfTask(HistoryCursor cursor, List<? extends Task<T>> input) {
    super(cursor);
    input.forEach(t -> tasks.add((TaskImpl<T>) t));
    remaining = tasks.size();
    if (remaining == 0) {
      complete(List.of());
      return;
    }
    for (TaskImpl<T> t : tasks) {
      t.onDone(() -> childDone(t));
    }
  }

  private void childDone(TaskImpl<T> t) {
    if (t.failureNow() != null) {
      fail(t.failureNow());
      return;
    }
    if (--remaining == 0) {
      List<T> results = new ArrayList<>(tasks.size());
      tasks.forEach(x -> results.add(x.valueNow()));
      complete(results);
    }
  }
}
