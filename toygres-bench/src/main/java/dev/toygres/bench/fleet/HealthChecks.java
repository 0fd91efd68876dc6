package dev.toygres.bench.fleet;

import dev.toygres.controlplane.actor.Cadence;
import dev.toygres.controlplane.cms.CmsStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** What the CMS's health checks say about a window: the actors' lateness and the probes' times. */
final class HealthChecks {
  private static final String CMS = CmsStore.SCHEMA;

  private HealthChecks() {}

  /** Every instance's checks up to {@code to}, with the lateness of those in {@code [from, to)}. */
  static Lateness.Result lateness(Connection m, Duration interval, Instant from, Instant to)
      throws SQLException {
    Map<UUID, List<Instant>> checks = new HashMap<>();
    try (Statement st = m.createStatement();
        ResultSet rs = st.executeQuery("SELECT id FROM " + CMS + ".instances")) {
      while (rs.next()) {
        checks.put(rs.getObject(1, UUID.class), new ArrayList<>());
      }
    }
    try (PreparedStatement ps =
        m.prepareStatement(
            "SELECT instance_id, checked_at FROM "
                + CMS
                + ".instance_health_checks WHERE checked_at < ? ORDER BY instance_id, checked_at")) {
      ps.setObject(1, OffsetDateTime.ofInstant(to, ZoneOffset.UTC));
      ps.setFetchSize(10_000);
      m.setAutoCommit(false); // a cursor: the rows are fetched 10,000 at a time
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          checks
              .computeIfAbsent(rs.getObject(1, UUID.class), k -> new ArrayList<>())
              .add(rs.getObject(2, OffsetDateTime.class).toInstant());
        }
      } finally {
        m.commit();
        m.setAutoCommit(true);
      }
    }
    return Lateness.compute(checks, new Cadence(interval), from, to);
  }

  /** The probes' response time percentiles in {@code [from, to)}, and the checks not healthy. */
  static FleetResult.ProbeTimes probeTimes(Connection m, Instant from, Instant to)
      throws SQLException {
    try (PreparedStatement ps =
        m.prepareStatement(
            "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY response_time_ms),"
                + " percentile_cont(0.99) WITHIN GROUP (ORDER BY response_time_ms),"
                + " count(*) FILTER (WHERE status <> 'healthy')"
                + " FROM "
                + CMS
                + ".instance_health_checks WHERE checked_at >= ? AND checked_at < ?")) {
      ps.setObject(1, OffsetDateTime.ofInstant(from, ZoneOffset.UTC));
      ps.setObject(2, OffsetDateTime.ofInstant(to, ZoneOffset.UTC));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new FleetResult.ProbeTimes(rs.getDouble(1), rs.getDouble(2), rs.getLong(3));
      }
    }
  }
}
