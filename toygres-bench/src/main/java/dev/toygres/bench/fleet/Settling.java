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
 * #OVERDUE}: the lateness goal's own terms (p99 within 1 s). A fleet that cannot keep up never
 * settles: the warm-up then ends after {@link #MAX_INTERVALS} intervals, saying so, and the window
 * measures it anyway.
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
    while (true) {
      int overdue = overdue(m, interval);
      long now = System.nanoTime();
      double waited = (now - start) / 1e9;
      if (settled(overdue, instances)) {
        log.printf(
            Locale.ROOT,
            "bench-fleet: settled after %.0f s: %,d of %,d instances overdue by more than %s%n",
            waited,
            overdue,
            instances,
            Durations.format(OVERDUE));
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
            "bench-fleet: settling: %,d of %,d instances overdue by more than %s%n",
            overdue,
            instances,
            Durations.format(OVERDUE));
        lastLog = now;
      }
      Thread.sleep(POLL.toMillis());
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
