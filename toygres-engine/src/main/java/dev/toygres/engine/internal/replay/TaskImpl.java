package dev.toygres.engine.internal.replay;

import dev.toygres.engine.orchestration.Task;
import java.util.ArrayList;
import java.util.List;

/**
 * A task completed by replaying history. Listeners run synchronously when the completing event is
 * processed, so whatever they schedule gets the same task ids on every replay.
 */
class TaskImpl<T> implements Task<T> {
  private final HistoryCursor cursor;
  private boolean done;
  private T value;
  private RuntimeException failure;
  private List<Runnable> listeners;

  TaskImpl(HistoryCursor cursor) {
    this.cursor = cursor;
  }

  @Override
  public T await() {
    cursor.awaitDone(this);
    if (failure != null) {
      throw failure;
    }
    return value;
  }

  @Override
  public boolean isDone() {
    return done;
  }

  @Override
  public boolean isFailed() {
    return done && failure != null;
  }

  T valueNow() {
    return value;
  }

  RuntimeException failureNow() {
    return failure;
  }

  void complete(T result) {
    if (done) {
      return;
    }
    done = true;
    value = result;
    fire();
  }

  void fail(RuntimeException error) {
    if (done) {
      return;
    }
    done = true;
    failure = error;
    fire();
  }

  /** Runs {@code listener} when this task is done (now, if it already is). */
  void onDone(Runnable listener) {
    if (done) {
      listener.run();
      return;
    }
    if (listeners == null) {
      listeners = new ArrayList<>(2);
    }
    listeners.add(listener);
  }

  private void fire() {
    if (listeners != null) {
      List<Runnable> l = listeners;
      listeners = null;
      l.forEach(Runnable::run);
    }
  }
}
