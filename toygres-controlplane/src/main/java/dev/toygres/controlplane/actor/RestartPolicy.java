package dev.toygres.controlplane.actor;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the instance actor restarts a crashed server (docs/actor.md#crash-restart): attempt {@code n}
 * (1-based, counted since the server last stayed healthy for {@code stableAfter}) waits {@code
 * backoff[n-1]}, or the last entry (the cap) once the list is used up; {@code crashLoopFailures}
 * restarts that did not stick in that span make a crash loop.
 *
 * @param backoff the wait before each attempt, the last one repeated forever (at least one entry;
 *     only the first may be zero, so that a crash loop never restarts in a tight loop)
 * @param crashLoopFailures failed restarts that make a crash loop (at least 1)
 * @param stableAfter how long a restarted server must stay healthy before its restarts are
 *     forgotten (positive)
 */
public record RestartPolicy(List<Duration> backoff, int crashLoopFailures, Duration stableAfter) {
  /** Immediately, then 10 s, 30 s, 1 min, and 5 min from then on. */
  public static final List<Duration> DEFAULT_BACKOFF =
      List.of(
          Duration.ZERO,
          Duration.ofSeconds(10),
          Duration.ofSeconds(30),
          Duration.ofMinutes(1),
          Duration.ofMinutes(5));

  /**
   * The defaults: {@link #DEFAULT_BACKOFF}, a crash loop at 3 failed restarts, reset after 10 min.
   */
  public static final RestartPolicy DEFAULT =
      new RestartPolicy(DEFAULT_BACKOFF, 3, Duration.ofMinutes(10));

  public RestartPolicy {
    backoff = List.copyOf(backoff);
    if (backoff.isEmpty()) {
      throw new IllegalArgumentException("the restart back-off needs at least one duration");
    }
    for (int i = 0; i < backoff.size(); i++) {
      Duration d = backoff.get(i);
      if (d.isNegative() || (i > 0 && d.isZero())) {
        throw new IllegalArgumentException(
            "restart back-off "
                + backoff
                + ": entry "
                + (i + 1)
                + " is "
                + d
                + "; only the first may be zero and none negative");
      }
    }
    if (crashLoopFailures < 1) {
      throw new IllegalArgumentException(
          "crashLoopFailures must be at least 1, was " + crashLoopFailures);
    }
    Objects.requireNonNull(stableAfter, "stableAfter");
    if (stableAfter.isNegative() || stableAfter.isZero()) {
      throw new IllegalArgumentException("stableAfter must be positive, was " + stableAfter);
    }
  }

  /** The same policy with another back-off. */
  public RestartPolicy withBackoff(List<Duration> backoff) {
    return new RestartPolicy(backoff, crashLoopFailures, stableAfter);
  }

  /** The wait before restart attempt {@code attempt} (1-based): its entry, or the cap. */
  public Duration delayBefore(int attempt) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempts count from 1, was " + attempt);
    }
    return backoff.get(Math.min(attempt, backoff.size()) - 1);
  }

  /** Whether {@code failedRestarts} restarts that did not stick make a crash loop. */
  public boolean crashLoop(int failedRestarts) {
    return failedRestarts >= crashLoopFailures;
  }

  /**
   * The health reason of a server found down after {@code failedRestarts} restarts that did not
   * stick, with the next attempt (1-based) due in {@code next}.
   */
  public String reason(int failedRestarts, int nextAttempt, Duration next) {
    String when = next.isZero() ? "now" : "in " + words(next);
    if (crashLoop(failedRestarts)) {
      return "crash loop: "
          + failedRestarts
          + " restarts failed since the server last stayed healthy for "
          + words(stableAfter)
          + "; restart attempt "
          + nextAttempt
          + " "
          + when;
    }
    return "server down; restart attempt " + nextAttempt + " " + when;
  }

  private static String words(Duration d) {
    long s = Math.max(1, d.toSeconds());
    return s % 60 == 0 ? s / 60 + " min" : s + " s";
  }
}
