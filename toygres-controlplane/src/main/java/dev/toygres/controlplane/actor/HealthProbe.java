package dev.toygres.controlplane.actor;

import com.sun.management.UnixOperatingSystemMXBean;
import dev.toygres.controlplane.cms.HealthStatus;
import dev.toygres.controlplane.cms.ProbeResult;
import dev.toygres.controlplane.cms.WalArchive;
import dev.toygres.controlplane.dataplane.InstanceConnections;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.SocketTimeoutException;
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
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Asks an instance, as the control plane's monitoring role through the instance's Unix socket, how
 * it is: version, recovery, uptime, connections, and how its WAL archiving goes ({@code
 * pg_stat_archiver} and, on a primary, the WAL file being written), all in one query. The tenant's
 * password is never used, so a tenant changing it changes nothing here.
 *
 * <p>The connection is kept for the server's next probe (docs/actor.md#the-probes-connection): one
 * per server in this process, opened again after a random share of {@link #FRESH_EVERY} (half to
 * all of it, so that connections opened together do not all log in again together) so that the
 * monitoring role's login stays tested, closed once unused for {@link #IDLE_AFTER}, at most {@link
 * #keptLimit}. A kept connection is served by its own backend process, which would answer even with
 * the postmaster frozen or killed, so a probe on a kept connection first asks the postmaster
 * whether it still takes connections ({@link PostmasterPing}: a fork, no login). A kept connection
 * that fails (its server was restarted or killed, say) is replaced by a fresh one at once, in the
 * same probe, and only that one's failure fails the probe; a postmaster or a kept connection that
 * does not answer within the timeout fails the probe at once (a fresh connection would wait as
 * long). The response time is measured here, around what the probe did: the query on a kept
 * connection, or a connection plus the query.
 */
public final class HealthProbe implements AutoCloseable {
  /**
   * The longest a connection is used before the next probe opens a fresh one; each connection's
   * time is drawn between half of it and all of it.
   */
  public static final Duration FRESH_EVERY = Duration.ofMinutes(5);

  /** How long a kept connection may go unused before it is closed. */
  public static final Duration IDLE_AFTER = Duration.ofMinutes(3);

  /**
   * The most connections kept at once by one process (one per server), whatever its open-file limit
   * allows ({@link #keptLimit}).
   */
  public static final int MAX_KEPT = 25_000;

  /** Open files never used for kept connections: the pool, pings, fresh probes, logs, HTTP. */
  static final int FILES_RESERVED = 1_024;

  // The functions behind the pg_stat_activity and pg_stat_archiver views, not the views: the probe
  // runs in simple mode (through poolers too), so it is planned every time, and planning the
  // activity view's joins cost the probed server 0.3 to 1.1 ms a probe, more than the rest of the
  // query (pgbench, docs/benchmarks.md). Same rows, same columns.
  private static final String QUERY =
      """
      SELECT pg_catalog.version(), pg_catalog.pg_is_in_recovery(),
             extract(epoch FROM pg_catalog.now() - pg_catalog.pg_postmaster_start_time())::bigint,
             (SELECT count(*) FROM pg_catalog.pg_stat_get_activity(NULL) s
              WHERE s.backend_type = 'client backend'),
             pg_catalog.current_setting('max_connections')::int,
             a.archived_count, a.last_archived_wal, a.last_archived_time,
             a.failed_count, a.last_failed_wal, a.last_failed_time,
             CASE WHEN NOT pg_catalog.pg_is_in_recovery()
               THEN pg_catalog.pg_walfile_name(pg_catalog.pg_current_wal_lsn()) END,
             pg_catalog.now()
      FROM pg_catalog.pg_stat_get_archiver() a""";

  private final Duration timeout;
  private final Timer durations;
  private final KeptConnections<Connection> connections;

  public HealthProbe(Duration timeout) {
    this(timeout, null);
  }

  /**
   * A probe that also times every probe, answered or not, in {@code registry}'s {@code
   * toygres_probe_duration_seconds} histogram and reports its kept connections as {@code
   * toygres_probe_connections_kept} (docs/metrics.md), unless {@code registry} is null.
   */
  public HealthProbe(Duration timeout, MeterRegistry registry) {
    this(timeout, registry, FRESH_EVERY);
  }

  /**
   * As {@link #HealthProbe(Duration, MeterRegistry)}, opening a fresh connection every {@code
   * freshEvery}.
   */
  HealthProbe(Duration timeout, MeterRegistry registry, Duration freshEvery) {
    this.timeout = timeout;
    this.durations = registry == null ? null : CheckMetrics.probeDurations(registry);
    this.connections =
        new KeptConnections<>(freshEvery, IDLE_AFTER, keptLimit(openFileLimit()), System::nanoTime);
    if (registry != null) {
      Gauge.builder("toygres.probe.connections.kept", connections, KeptConnections::size)
          .description("connections this server keeps open to instance servers between probes")
          .register(registry);
    }
  }

  /**
   * How many connections this process may keep with an open-file limit of {@code maxFiles} (-1:
   * unknown): {@link #MAX_KEPT} at most, and never so many that the process runs out of files for
   * everything else, a twentieth of the limit or {@link #FILES_RESERVED}, whichever is more. Each
   * kept connection holds a socket: at 20,000 instances on one process, a kept connection for every
   * instance would take every file a 20,000-file limit allows, and the metadata pool's next
   * connection, a ping or a log file would fail. A server at that limit, keeping 18,000 probe
   * connections, had 38 other files open; each instance beyond the limit logs in at every probe, so
   * the reserve is no larger than that margin needs.
   */
  static int keptLimit(long maxFiles) {
    if (maxFiles < 0) {
      return MAX_KEPT;
    }
    long reserved = Math.max(FILES_RESERVED, maxFiles / 20);
    return (int) Math.max(0, Math.min(MAX_KEPT, maxFiles - reserved));
  }

  /** This process's open-file limit, or -1 when the platform does not tell. */
  private static long openFileLimit() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean u
        ? u.getMaxFileDescriptorCount()
        : -1;
  }

  /**
   * Probes {@code instance}, whose server listens at socket directory {@code socketDir} and port
   * {@code port}, logging in as the monitoring role with {@code monitorPassword} (or using the
   * connection kept from the instance's last probe).
   */
  public ProbeResult probe(UUID instance, String socketDir, int port, String monitorPassword) {
    long start = System.nanoTime();
    KeptConnections.Server server = new KeptConnections.Server(instance, socketDir, port);
    KeptConnections.Kept<Connection> k = connections.take(server, monitorPassword);
    if (k != null) {
      try {
        PostmasterPing.ping(Path.of(socketDir), port, timeout);
        ProbeResult r = ask(k.connection(), start);
        connections.keep(server, k);
        return r;
      } catch (IOException e) {
        closeQuietly(k.connection());
        if (e instanceof SocketTimeoutException) {
          return failed(new SQLException(e.getMessage(), "08006", e), start);
        }
      } catch (SQLException e) {
        closeQuietly(k.connection());
        if (timedOut(e)) {
          return failed(e, start);
        }
      }
    }
    Connection c = null;
    try {
      c = InstanceConnections.asMonitor(Path.of(socketDir), port, monitorPassword, timeout);
      ProbeResult r = ask(c, start);
      connections.keep(server, connections.opened(c, monitorPassword));
      return r;
    } catch (SQLException e) {
      closeQuietly(c);
      return failed(e, start);
    }
  }

  /**
   * Closes the connection kept for {@code instance}'s server at {@code socketDir} and {@code port},
   * if any.
   */
  public void forget(UUID instance, String socketDir, int port) {
    connections.forget(new KeptConnections.Server(instance, socketDir, port));
  }

  /** How many connections this probe keeps now. */
  public int kept() {
    return connections.size();
  }

  /** Closes every kept connection. */
  @Override
  public void close() {
    connections.close();
  }

  private ProbeResult ask(Connection c, long start) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(QUERY)) {
      rs.next();
      long nanos = System.nanoTime() - start;
      timed(nanos);
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("in_recovery", rs.getBoolean(2));
      details.put("uptime_seconds", rs.getLong(3));
      details.put("connections", rs.getInt(4));
      details.put("max_connections", rs.getInt(5));
      return new ProbeResult(
          HealthStatus.HEALTHY, rs.getString(1), nanos / 1e6, null, details, archive(rs));
    }
  }

  private ProbeResult failed(SQLException e, long start) {
    long nanos = System.nanoTime() - start;
    timed(nanos);
    String msg =
        e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
    return new ProbeResult(
        HealthStatus.UNHEALTHY,
        null,
        nanos / 1e6,
        msg,
        Map.of("sql_state", String.valueOf(e.getSQLState())));
  }

  private static boolean timedOut(SQLException e) {
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof SocketTimeoutException) {
        return true;
      }
    }
    return false;
  }

  private static void closeQuietly(Connection c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (SQLException ignored) {
      // broken already
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
