package dev.toygres.engine.worker.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/** How long an idle dispatcher sleeps: until the next due item, at most the poll interval. */
final class IdleWait {
  private IdleWait() {}

  /**
   * How long ago {@code looked} ({@link System#nanoTime}) was: what an idle dispatcher asks for the
   * next due item with, so that an item that became visible after its fetch looked (between that
   * fetch and the question) counts as due now instead of being missed until the poll interval.
   */
  static Duration since(long looked) {
    return Duration.ofNanos(Math.max(0, System.nanoTime() - looked));
  }

  static long millis(Supplier<Optional<Instant>> nextDue, Duration pollInterval) {
    return millis(nextDue, pollInterval, Duration.ZERO);
  }

  /**
   * As above, sleeping {@code batching} longer when the next item is in the future (a timer), so
   * that items due within it are fetched together; an item due now is fetched at once.
   */
  static long millis(
      Supplier<Optional<Instant>> nextDue, Duration pollInterval, Duration batching) {
    long max = pollInterval.toMillis();
    Optional<Instant> due = nextDue.get();
    if (due.isEmpty()) {
      return max;
    }
    long until = Duration.between(Instant.now(), due.get()).toMillis();
    if (until <= 0) {
      return 1;
    }
    return Math.max(1, Math.min(max, until + batching.toMillis()));
  }
}
