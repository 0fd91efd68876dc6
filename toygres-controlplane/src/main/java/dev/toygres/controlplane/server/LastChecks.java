package dev.toygres.controlplane.server;

import dev.toygres.controlplane.cms.HealthStatus;
import dev.toygres.controlplane.cms.InstanceState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Reads, in one query, what {@link InstanceMetrics} shows of every live instance: its state, its
 * health reason, and its newest health check (status, time, response time, and what it saw of each
 * standby). Per instance, an index scan that stops at the newest check.
 */
final class LastChecks {
  private static final String SQL =
      """
      SELECT i.user_name, i.k8s_name, i.state::text, i.health_reason,
             h.checked_at, h.status, h.response_time_ms,
             m.ordinal, m.role, m.lag_bytes, m.lag_seconds, mm.name
      FROM toygres_cms.instances i
      LEFT JOIN LATERAL (
        SELECT checked_at, status, response_time_ms, members
        FROM toygres_cms.instance_health_checks
        WHERE instance_id = i.id
        ORDER BY checked_at DESC, id DESC
        LIMIT 1) h ON true
      LEFT JOIN LATERAL jsonb_to_recordset(
          CASE WHEN jsonb_typeof(h.members) = 'array' THEN h.members END)
        AS m(ordinal integer, role text, lag_bytes bigint, lag_seconds double precision) ON true
      LEFT JOIN toygres_cms.members mm ON mm.instance_id = i.id AND mm.ordinal = m.ordinal
      WHERE i.state <> 'deleted'
      ORDER BY i.user_name, m.ordinal""";

  private final DataSource ds;

  LastChecks(DataSource ds) {
    this.ds = ds;
  }

  /** Every live instance, by name. */
  List<InstanceSample> read() {
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement(SQL);
        ResultSet rs = ps.executeQuery()) {
      Map<String, Builder> out = new LinkedHashMap<>();
      while (rs.next()) {
        String name = rs.getString(1);
        Builder b = out.get(name);
        if (b == null) {
          b = new Builder(rs);
          out.put(name, b);
        }
        String role = rs.getString(9);
        if ("standby".equals(role)) {
          int ordinal = rs.getInt(8);
          String member = rs.getString(12);
          long bytes = rs.getLong(10);
          Double lagBytes = rs.wasNull() ? null : (double) bytes;
          double seconds = rs.getDouble(11);
          Double lagSeconds = rs.wasNull() ? null : seconds;
          b.standbys.add(
              new InstanceSample.StandbyLag(
                  member != null ? member : rs.getString(2) + "-s" + ordinal,
                  lagBytes,
                  lagSeconds));
        }
      }
      return out.values().stream().map(Builder::build).toList();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the instances' last health checks: " + e, e);
    }
  }

  private static final class Builder {
    private final String name;
    private final InstanceState state;
    private final String healthReason;
    private final Timestamp checkedAt;
    private final HealthStatus status;
    private final Double responseTimeMs;
    private final List<InstanceSample.StandbyLag> standbys = new ArrayList<>();

    Builder(ResultSet rs) throws SQLException {
      name = rs.getString(1);
      state = InstanceState.parse(rs.getString(3));
      healthReason = rs.getString(4);
      checkedAt = rs.getTimestamp(5);
      String s = rs.getString(6);
      status = s == null ? null : HealthStatus.parse(s);
      double ms = rs.getDouble(7);
      responseTimeMs = rs.wasNull() ? null : ms;
    }

    InstanceSample build() {
      return new InstanceSample(
          name,
          state,
          healthReason,
          checkedAt == null ? null : checkedAt.toInstant(),
          status,
          responseTimeMs,
          standbys);
    }
  }
}
