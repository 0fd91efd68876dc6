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
