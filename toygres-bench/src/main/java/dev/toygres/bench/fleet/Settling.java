package dev.toygres.bench.fleet;

import dev.toygres.controlplane.actor.Cadence;
import dev.toygres.controlplane.cms.CmsStore;
import dev.toygres.controlplane.config.Durations;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The default warm-up after the first sweep: at least one interval (10 s at least), then until the
 * launch's backlog is gone, so that the window measures the steady state rather than the fleet
 * catching up (which runs above the ideal rate with late checks). The backlog is gone when at most
 * {@link #SETTLED_SHARE} of the instances are overdue on their cadence by more than {@link
 * #OVERDUE} (the lateness goal's own terms, p99 within 1 s) at every look for a whole interval (10
 * s at least): a fleet catching up dips under the share before it holds there. A fleet that cannot
 * keep up never settles: the warm-up then ends after {@link #MAX_INTERVALS} intervals, saying so,
 * and the window measures it anyway.
 */
final class Settling {
  /** How late a check may be without counting as backlog. */
  static final Duration OVERDUE = Duration.ofSeconds(1);

  /** The share of instances that may be overdue in a settled fleet. */
  static final double SETTLED_SHARE = 0.01;

  /** The longest default warm-up, in intervals (of at least 10 s). */
  static final int MAX_INTERVALS = 10;

  private static final Duration POLL = Duration.ofSeconds(5);
  private static final Duration PROGRESS = Duration.ofSeconds(30);

  private Settling() {}

  /** The shortest default warm-up: one interval, at least 10 s. */
  static Duration minimum(Duration interval) {
    return interval.compareTo(Duration.ofSeconds(10)) < 0 ? Duration.ofSeconds(10) : interval;
  }

  /** The longest default warm-up: {@link #MAX_INTERVALS} times {@link #minimum}. */
  static Duration maximum(Duration interval) {
    return minimum(interval).multipliedBy(MAX_INTERVALS);
  }

  /** Whether a fleet of {@code instances} with {@code overdue} of them overdue has settled. */
  static boolean settled(int overdue, int instances) {
    return overdue <= Math.floor(instances * SETTLED_SHARE);
  }

  /**
   * Waits as the default warm-up does, showing progress; returns the seconds waited. {@code m} is a
   * connection to the metadata database.
   */
  static double await(Connection m, int instances, Duration interval, PrintStream log)
      throws SQLException, InterruptedException {
    long start = System.nanoTime();
    long max = start + maximum(interval).toNanos();
    log.printf(
        Locale.ROOT,
        "bench-fleet: settling at least %s, until at most %.0f%% of the instances are overdue by"
            + " more than %s (at most %s)%n",
        Durations.format(minimum(interval)),
        SETTLED_SHARE * 100,
        Durations.format(OVERDUE),
        Durations.format(maximum(interval)));
    Thread.sleep(minimum(interval).toMillis());
    long lastLog = System.nanoTime();
    Streak streak = new Streak(minimum(interval));
    while (true) {
      int overdue = overdue(m, interval);
      long now = System.nanoTime();
      double waited = (now - start) / 1e9;
      if (streak.look(settled(overdue, instances), now)) {
        log.printf(
            Locale.ROOT,
            "bench-fleet: settled after %.0f s: at most %,d of %,d instances overdue by more than"
                + " %s for %s (%,d now)%n",
            waited,
            (long) Math.floor(instances * SETTLED_SHARE),
            instances,
            Durations.format(OVERDUE),
            Durations.format(minimum(interval)),
            overdue);
        return waited;
      }
      if (now >= max) {
        log.printf(
            Locale.ROOT,
            "bench-fleet: not settled after %.0f s: %,d of %,d instances overdue by more than %s;"
                + " measuring anyway%n",
            waited,
            overdue,
            instances,
            Durations.format(OVERDUE));
        return waited;
      }
      if (now - lastLog >= PROGRESS.toNanos()) {
        log.printf(
            Locale.ROOT,
            "bench-fleet: settling: %,d of %,d instances overdue by more than %s%s%n",
            overdue,
            instances,
            Durations.format(OVERDUE),
            streak.holding()
                ? String.format(
                    Locale.ROOT,
                    " (at most %.0f%% for %.0f s of %s)",
                    SETTLED_SHARE * 100,
                    streak.heldNanos(now) / 1e9,
                    Durations.format(minimum(interval)))
                : "");
        lastLog = now;
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  /**
   * Whether the looks have found the fleet settled for long enough: every look since one at least
   * {@code span} ago. An unsettled look starts over.
   */
  static final class Streak {
    private final long spanNanos;
    private long since = Long.MIN_VALUE;
    private boolean holding;

    Streak(Duration span) {
      this.spanNanos = span.toNanos();
    }

    /**
     * Records a look at {@code nowNanos}; returns whether the fleet has stayed settled the span.
     */
    boolean look(boolean settled, long nowNanos) {
      if (!settled) {
        holding = false;
        return false;
      }
      if (!holding) {
        holding = true;
        since = nowNanos;
      }
      return nowNanos - since >= spanNanos;
    }

    /** Whether the last look found the fleet settled. */
    boolean holding() {
      return holding;
    }

    /** How long the fleet has been found settled at every look, at {@code nowNanos}; 0 if not. */
    long heldNanos(long nowNanos) {
      return holding ? nowNanos - since : 0;
    }
  }

  /**
   * Instances whose next check on their cadence (the first due time after their last check) was due
   * more than {@link #OVERDUE} before the database's clock now. A fleet working off a backlog has
   * many: each late check is followed by one due an interval after the due time it answered, so a
   * fleet steadily behind shows here even when its checks are an interval apart.
   */
  private static int overdue(Connection m, Duration interval) throws SQLException {
    Map<UUID, Instant> last = new HashMap<>();
    Instant now = null;
    try (Statement st = m.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT id, last_health_check, now() FROM "
                    + CmsStore.SCHEMA
                    + ".instances WHERE last_health_check IS NOT NULL")) {
      while (rs.next()) {
        last.put(rs.getObject(1, UUID.class), rs.getObject(2, OffsetDateTime.class).toInstant());
        now = rs.getObject(3, OffsetDateTime.class).toInstant();
      }
    }
    return now == null ? 0 : overdue(last, new Cadence(interval), now);
  }

  /**
   * Of the instances last checked at {@code last}, those whose next due time on {@code cadence}
   * passed more than {@link #OVERDUE} before {@code now}.
   */
  static int overdue(Map<UUID, Instant> last, Cadence cadence, Instant now) {
    Instant bound = now.minus(OVERDUE);
    int n = 0;
    for (Map.Entry<UUID, Instant> e : last.entrySet()) {
      Instant due = cadence.dueSince(e.getKey(), e.getValue(), now);
      if (due != null && due.isBefore(bound)) {
        n++;
      }
    }
    return n;
  }
}
