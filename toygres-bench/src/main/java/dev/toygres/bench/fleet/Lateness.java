package dev.toygres.bench.fleet;

import dev.toygres.controlplane.actor.Cadence;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Probe lateness from the health checks' own timestamps: an iteration is due at the due time on the
 * instance's {@link Cadence} that it answers after the previous check ({@link Cadence#dueSince}),
 * and its lateness is how long after that it ran (0 for a check before any due time). Only checks
 * inside the measurement window count (their previous check may be older). Pure functions, no
 * database.
 */
final class Lateness {
  private Lateness() {}

  /**
   * What the window's checks say.
   *
   * @param latenessMs the lateness of every check in the window that had a previous one, sorted
   * @param checksInWindow checks whose time is in {@code [from, to)}
   * @param instancesWithoutCheck instances with no check in the window
   * @param overdueAtEnd instances whose next check was due before {@code to} but had not happened
   * @param maxOverdueMs the largest such overdue time (0 if none)
   */
  record Result(
      double[] latenessMs,
      int checksInWindow,
      int instancesWithoutCheck,
      int overdueAtEnd,
      double maxOverdueMs) {
    public double percentile(double p) {
      return Lateness.percentile(latenessMs, p);
    }

    /** How many checks were later than {@code ms}. */
    public int laterThan(double ms) {
      int i = Arrays.binarySearch(latenessMs, Math.nextUp(ms));
      int firstAbove = i >= 0 ? i : -i - 1;
      while (firstAbove > 0 && latenessMs[firstAbove - 1] > ms) {
        firstAbove--;
      }
      return latenessMs.length - firstAbove;
    }
  }

  /**
   * Computes lateness for the checks in {@code [from, to)}.
   *
   * @param checks every instance's check times up to {@code to}, each list in ascending order
   *     (earlier checks are needed to know when the first check in the window was due)
   * @param cadence the actors' cadence (their health interval)
   */
  static Result compute(
      Map<UUID, ? extends List<Instant>> checks, Cadence cadence, Instant from, Instant to) {
    double[] out = new double[16];
    int n = 0;
    int inWindow = 0;
    int without = 0;
    int overdue = 0;
    double maxOverdue = 0;
    for (Map.Entry<UUID, ? extends List<Instant>> e : checks.entrySet()) {
      UUID id = e.getKey();
      List<Instant> times = e.getValue();
      Instant previous = null;
      Instant last = null;
      boolean any = false;
      for (Instant t : times) {
        if (t.isBefore(to)) {
          if (!t.isBefore(from)) {
            any = true;
            inWindow++;
            if (previous != null) {
              if (n == out.length) {
                out = Arrays.copyOf(out, n * 2);
              }
              out[n++] = millisSince(cadence.dueSince(id, previous, t), t);
            }
          }
          previous = t;
          last = t;
        }
      }
      if (!any) {
        without++;
      }
      if (last != null) {
        double late = millisSince(cadence.dueSince(id, last, to), to);
        if (late > 0) {
          overdue++;
          maxOverdue = Math.max(maxOverdue, late);
        }
      }
    }
    double[] sorted = Arrays.copyOf(out, n);
    Arrays.sort(sorted);
    return new Result(sorted, inWindow, without, overdue, maxOverdue);
  }

  /**
   * The nearest-rank percentile of ascending values: the smallest value with at least {@code p}
   * percent of the values at or below it. NaN for no values.
   */
  static double percentile(double[] sorted, double p) {
    if (p < 0 || p > 100) {
      throw new IllegalArgumentException("percentile must be within 0..100, was " + p);
    }
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  /** The median of some values (NaN for none); the input is not changed. */
  static double median(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    return percentile(s, 50);
  }

  /** Milliseconds from {@code due} to {@code t}; 0 when nothing was due (null). */
  private static double millisSince(Instant due, Instant t) {
    return due == null ? 0 : Duration.between(due, t).toNanos() / 1e6;
  }
}
