package dev.toygres.engine.worker.internal;

import java.util.concurrent.TimeUnit;

/**
 * Turns for a worker's orchestration dispatchers that are caught up (their last fetch found less
 * than a full batch): each waits for its turn before fetching again, and turns come one timer
 * batching period apart for the whole worker, not for each dispatcher. So a worker keeping up with
 * thousands of timers fetches them about once a period, in batches that stay large, instead of once
 * a period per dispatcher in batches a quarter as large; at 10,000 actors and four dispatchers that
 * quartering made each fetch and commit cost about three times as much per step
 * (docs/benchmarks.md, 2026-12-03). A dispatcher whose fetch fills its batch takes no turn: it
 * fetches again at once. A turn is never more than one period per dispatcher away, so turns left
 * unused (a wake-up for work due now ends the wait early) do not pile up.
 */
public final class FetchTurns {
  private final long periodNanos;
  private final long latestNanos;
  private boolean any;
  private long last;

  /**
   * @param periodNanos the time between two turns of the worker ({@code timerBatching})
   * @param dispatchers how many dispatchers take turns: the furthest a turn may be is that many
   *     periods
   */
  public FetchTurns(long periodNanos, int dispatchers) {
    if (periodNanos < 0 || dispatchers < 1) {
      throw new IllegalArgumentException("a period >= 0 and at least one dispatcher");
    }
    this.periodNanos = periodNanos;
    this.latestNanos = periodNanos * dispatchers;
  }

  /**
   * Takes the next turn for a dispatcher caught up at {@code nowNanos} ({@link System#nanoTime});
   * returns how many milliseconds to wait for it (0 with a period of 0).
   */
  public synchronized long next(long nowNanos) {
    if (periodNanos == 0) {
      return 0;
    }
    long turn = nowNanos + periodNanos;
    if (any && last + periodNanos - turn > 0) {
      turn = last + periodNanos;
    }
    if (turn - nowNanos > latestNanos) {
      turn = nowNanos + latestNanos;
    }
    any = true;
    last = turn;
    return TimeUnit.NANOSECONDS.toMillis(turn - nowNanos + TimeUnit.MILLISECONDS.toNanos(1) - 1);
  }
}
