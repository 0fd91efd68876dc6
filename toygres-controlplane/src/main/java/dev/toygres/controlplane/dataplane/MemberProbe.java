package dev.toygres.controlplane.dataplane;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads replication state live from an instance's servers, as the monitoring role through each
 * server's socket: {@code pg_stat_replication} on the primary (lag per standby, by {@code
 * application_name}), {@code pg_stat_wal_receiver} on a standby (whether it streams), and each
 * server's timeline: a primary's is the one it writes WAL on (read from its current WAL file's
 * name, so it is right at once after a promotion, before any checkpoint), a standby's the one it
 * last received WAL on (else its last restartpoint's).
 */
final class MemberProbe {
  static final Duration TIMEOUT = Duration.ofSeconds(2);

  private MemberProbe() {}

  /** What the primary reports of one connected standby. */
  record Streaming(Long lagBytes, Double lagSeconds) {}

  /** The primary's timeline and its connected standbys by application name; null if unreachable. */
  static Primary primary(Path socketDir, int port, String monitorPassword) {
    try (Connection c = InstanceConnections.asMonitor(socketDir, port, monitorPassword, TIMEOUT);
        Statement s = c.createStatement()) {
      Map<String, Streaming> standbys = new HashMap<>();
      try (ResultSet rs =
          s.executeQuery(
              """
              SELECT application_name,
                     pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_current_wal_lsn(), replay_lsn)::bigint,
                     extract(epoch FROM replay_lag)::float8
              FROM pg_catalog.pg_stat_replication WHERE state = 'streaming'""")) {
        while (rs.next()) {
          long bytes = rs.getLong(2);
          Long lag = rs.wasNull() ? null : bytes;
          double secs = rs.getDouble(3);
          standbys.put(rs.getString(1), new Streaming(lag, rs.wasNull() ? null : secs));
        }
      }
      return new Primary(
          timeline(
              s,
              "SELECT ('x' || substr(pg_catalog.pg_walfile_name(pg_catalog.pg_current_wal_lsn()),"
                  + " 1, 8))::bit(32)::int"),
          standbys);
    } catch (SQLException e) {
      return null;
    }
  }

  /** The primary's view. */
  record Primary(Integer timeline, Map<String, Streaming> standbys) {}

  /** A standby's timeline and whether it streams; null if unreachable. */
  static Standby standby(Path socketDir, int port, String monitorPassword) {
    try (Connection c = InstanceConnections.asMonitor(socketDir, port, monitorPassword, TIMEOUT);
        Statement s = c.createStatement()) {
      boolean streaming;
      try (ResultSet rs =
          s.executeQuery(
              "SELECT count(*) FROM pg_catalog.pg_stat_wal_receiver WHERE status = 'streaming'")) {
        rs.next();
        streaming = rs.getLong(1) > 0;
      }
      return new Standby(
          timeline(
              s,
              "SELECT coalesce((SELECT received_tli FROM pg_catalog.pg_stat_wal_receiver),"
                  + " (SELECT timeline_id FROM pg_catalog.pg_control_checkpoint()))"),
          streaming);
    } catch (SQLException e) {
      return null;
    }
  }

  /** A standby's view. */
  record Standby(Integer timeline, boolean streaming) {}

  private static Integer timeline(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getInt(1) : null;
    }
  }
}
