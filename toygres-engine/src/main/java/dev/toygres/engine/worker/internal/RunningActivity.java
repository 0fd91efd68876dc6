package dev.toygres.engine.worker.internal;

import dev.toygres.engine.store.internal.ActivityWorkItem;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One activity attempt on this worker. Exactly one of its ends settles it: the activity returns,
 * its timeout fires, or its lease turns out lost; whoever settles it decides its outcome and frees
 * its slot, and the others (a late result, above all) are dropped.
 */
final class RunningActivity {
  final ActivityWorkItem item;
  private final AtomicBoolean settled = new AtomicBoolean();
  private Thread thread;
  private volatile Future<?> timeout;

  RunningActivity(ActivityWorkItem item) {
    this.item = item;
  }

  /** True for the first caller only. */
  boolean settle() {
    return settled.compareAndSet(false, true);
  }

  boolean settled() {
    return settled.get();
  }

  synchronized void runningOn(Thread t) {
    this.thread = t;
  }

  void timeoutIs(Future<?> f) {
    this.timeout = f;
  }

  /** Interrupts the thread running it, if it still does (never the thread's next activity). */
  synchronized void interrupt() {
    Thread t = thread;
    if (t != null) {
      t.interrupt();
    }
  }

  /** Called by its thread when the activity code returned; clears a late interrupt. */
  synchronized void finished() {
    thread = null;
    Thread.interrupted();
    Future<?> f = timeout;
    if (f != null) {
      f.cancel(false);
    }
  }
}
