package dev.toygres.controlplane.actor;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * The instance actors' fixed cadence (docs/actor.md#cadence). An instance's regular checks are due
 * at fixed times one interval apart, {@code phase(id) + k × interval} after the Unix epoch, where
 * the phase (in {@code [0, interval)}) comes from a hash of the instance's id. So every regular
 * check is due one interval after the previous one whatever the checks cost, and a fleet of actors
 * started together (a mass start, or the supervisor relaunching every actor) is spread evenly over
 * the interval instead of checking in phase. A relaunched actor keeps its instance's due times.
 *
 * <p>Pure arithmetic on millisecond instants; the same id and interval give the same due times on
 * every server and on every replay.
 *
 * @param interval the time between two regular checks (at least 1 ms)
 */
public record Cadence(Duration interval) {
  private static final Duration SKIPPED_AT_ONCE = Duration.ofSeconds(1);

  public Cadence {
    Objects.requireNonNull(interval, "interval");
    if (interval.toMillis() < 1) {
      throw new IllegalArgumentException("interval must be at least 1 ms, was " + interval);
    }
  }

  /** Where in the interval {@code instance}'s due times fall: in {@code [0, interval)}. */
  public Duration phase(UUID instance) {
    return Duration.ofMillis(phaseMillis(instance));
  }

  /**
   * The first due time strictly after {@code after}: the next regular check. A due time that has
   * already passed is skipped, never caught up.
   */
  public Instant nextDue(UUID instance, Instant after) {
    long i = interval.toMillis();
    long p = phaseMillis(instance);
    return Instant.ofEpochMilli(p + (Math.floorDiv(after.toEpochMilli() - p, i) + 1) * i);
  }

  /** The last due time at or before {@code at}. */
  public Instant lastDue(UUID instance, Instant at) {
    return nextDue(instance, at).minus(interval);
  }

  /**
   * The due time that a check at {@code at} answers, when the instance's previous check was at
   * {@code previous}: the first due time after {@code previous}. When that one came very soon after
   * {@code previous} (less than 1 s, or a quarter of the interval if shorter) and the check is more
   * than an interval after it, the actor skipped it (it passed while the previous check's result
   * was being handled) and the check answers the one after. Due times skipped because the actor was
   * behind are not: the check is late from the first of them.
   *
   * @return the due time, or null when none has come by {@code at} (an early check: a message woke
   *     the actor, or it looked again sooner)
   */
  public Instant dueSince(UUID instance, Instant previous, Instant at) {
    Instant first = nextDue(instance, previous);
    if (first.isAfter(at)) {
      return null;
    }
    Instant second = first.plus(interval);
    Duration quarter = interval.dividedBy(4);
    Duration grace = SKIPPED_AT_ONCE.compareTo(quarter) < 0 ? SKIPPED_AT_ONCE : quarter;
    boolean skippedAtOnce =
        !second.isAfter(at) && Duration.between(previous, first).compareTo(grace) <= 0;
    return skippedAtOnce ? second : first;
  }

  /**
   * When an actor that checked at {@code now} wakes next: at its next due time, or sooner when the
   * check asked to look again after {@code lookAgain} (a failed probe to confirm, a restart due),
   * never later than the next due time.
   *
   * @param lookAgain how soon the check asked to look again (negative counts as 0), or null
   */
  public Instant nextWake(UUID instance, Instant now, Duration lookAgain) {
    Instant due = nextDue(instance, now);
    if (lookAgain == null) {
      return due;
    }
    Instant again = now.plus(lookAgain.isNegative() ? Duration.ZERO : lookAgain);
    return again.isBefore(due) ? again : due;
  }

  private long phaseMillis(UUID instance) {
    // SplitMix64's finalizer: ids that differ in a few bits get unrelated phases.
    long h = instance.getMostSignificantBits() ^ instance.getLeastSignificantBits();
    h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
    h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
    h ^= h >>> 31;
    return Math.floorMod(h, interval.toMillis());
  }
}
