package dev.toygres.controlplane.actor;

import dev.toygres.controlplane.cms.HealthStatus;
import dev.toygres.controlplane.cms.ProbeResult;
import dev.toygres.controlplane.cms.WalArchive;
import dev.toygres.controlplane.dataplane.InstanceConnections;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Connects to an instance as the control plane's monitoring role, through the instance's Unix
 * socket, and asks it how it is: version, recovery, uptime, connections, and how its WAL archiving
 * goes ({@code pg_stat_archiver} and, on a primary, the WAL file being written), all in one query.
 * The tenant's password is never used, so a tenant changing it changes nothing here. The response
 * time is measured here, around the connection and the queries.
 */
public final class HealthProbe {
  private static final String QUERY =
      """
      SELECT pg_catalog.version(), pg_catalog.pg_is_in_recovery(),
             extract(epoch FROM pg_catalog.now() - pg_catalog.pg_postmaster_start_time())::bigint,
             (SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE backend_type = 'client backend'),
             pg_catalog.current_setting('max_connections')::int,
             a.archived_count, a.last_archived_wal, a.last_archived_time,
             a.failed_count, a.last_failed_wal, a.last_failed_time,
             CASE WHEN NOT pg_catalog.pg_is_in_recovery()
               THEN pg_catalog.pg_walfile_name(pg_catalog.pg_current_wal_lsn()) END,
             pg_catalog.now()
      FROM pg_catalog.pg_stat_archiver a""";

  private final Duration timeout;
  private final Timer durations;

  public HealthProbe(Duration timeout) {
    this(timeout, null);
  }

  /**
   * A probe that also times every probe, answered or not, in {@code registry}'s {@code
   * toygres_probe_duration_seconds} histogram (docs/metrics.md), unless {@code registry} is null.
   */
  public HealthProbe(Duration timeout, MeterRegistry registry) {
    this.timeout = timeout;
    this.durations = registry == null ? null : CheckMetrics.probeDurations(registry);
  }

  /**
   * Probes the instance whose socket directory is {@code socketDir} and port {@code port}, logging
   * in as the monitoring role with {@code monitorPassword}.
   */
  public ProbeResult probe(String socketDir, int port, String monitorPassword) {
    long start = System.nanoTime();
    try (Connection c =
            InstanceConnections.asMonitor(Path.of(socketDir), port, monitorPassword, timeout);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(QUERY)) {
      rs.next();
      long nanos = System.nanoTime() - start;
      timed(nanos);
      double ms = nanos / 1e6;
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("in_recovery", rs.getBoolean(2));
      details.put("uptime_seconds", rs.getLong(3));
      details.put("connections", rs.getInt(4));
      details.put("max_connections", rs.getInt(5));
      return new ProbeResult(HealthStatus.HEALTHY, rs.getString(1), ms, null, details, archive(rs));
    } catch (SQLException e) {
      long nanos = System.nanoTime() - start;
      timed(nanos);
      double ms = nanos / 1e6;
      String msg =
          e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
      return new ProbeResult(
          HealthStatus.UNHEALTHY,
          null,
          ms,
          msg,
          Map.of("sql_state", String.valueOf(e.getSQLState())));
    }
  }

  private void timed(long nanos) {
    if (durations != null) {
      durations.record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  private static WalArchive archive(ResultSet rs) throws SQLException {
    return new WalArchive(
        rs.getLong(6),
        rs.getString(7),
        instant(rs.getTimestamp(8)),
        rs.getLong(9),
        rs.getString(10),
        instant(rs.getTimestamp(11)),
        rs.getString(12),
        instant(rs.getTimestamp(13)));
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }
}
