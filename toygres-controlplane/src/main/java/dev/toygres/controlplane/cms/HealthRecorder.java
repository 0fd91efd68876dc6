package dev.toygres.controlplane.cms;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Writes an actor's health checks. Every write is fenced: it happens only while the writing actor
 * is the instance's recorded actor, monitoring is on, and the instance is running or stopped, all
 * checked under the row lock in the same transaction as the write.
 */
public final class HealthRecorder {
  private final DataSource ds;
  private final EventLog events = new EventLog();

  public HealthRecorder(DataSource ds) {
    this.ds = ds;
  }

  /** The instance's health after a recorded check, or why the actor may not record any more. */
  public record Outcome(
      boolean recorded, HealthStatus status, int consecutiveFailures, String fencedReason) {
    static Outcome fenced(String why) {
      return new Outcome(false, null, 0, why);
    }
  }

  /**
   * Records {@code probe} for the instance if {@code actorId} may: one health-check row, the new
   * health status and failure count, {@code last_health_check = now()}, and an event when the
   * status changes. A failed probe turns the instance unhealthy after {@code failureThreshold}
   * consecutive failures.
   */
  public Outcome record(UUID instanceId, String actorId, ProbeResult probe, int failureThreshold) {
    return Db.tx(
        ds,
        c -> {
          Optional<String> why = fence(c, instanceId, actorId);
          if (why.isPresent()) {
            return Outcome.fenced(why.get());
          }
          HealthStatus old;
          int failures;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT health_status, consecutive_failures FROM toygres_cms.instances WHERE id = ?")) {
            ps.setObject(1, instanceId);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              old = HealthStatus.parse(rs.getString(1));
              failures = rs.getInt(2);
            }
          }
          HealthStatus next;
          switch (probe.status()) {
            case HEALTHY -> {
              failures = 0;
              next = HealthStatus.HEALTHY;
            }
            case UNHEALTHY -> {
              failures++;
              next = failures >= failureThreshold ? HealthStatus.UNHEALTHY : old;
            }
            default -> {
              failures = 0;
              next = HealthStatus.UNKNOWN;
            }
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  """
          UPDATE toygres_cms.instances SET health_status = ?, consecutive_failures = ?, last_health_check = now()
          WHERE id = ?""")) {
            ps.setString(1, next.dbName());
            ps.setInt(2, failures);
            ps.setObject(3, instanceId);
            ps.executeUpdate();
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  """
          INSERT INTO toygres_cms.instance_health_checks
            (instance_id, status, postgres_version, response_time_ms, error_message, details, actor_id)
          VALUES (?, ?, ?, ?, ?, ?::jsonb, ?)""")) {
            ps.setObject(1, instanceId);
            ps.setString(2, probe.status().dbName());
            ps.setString(3, probe.postgresVersion());
            ps.setObject(4, probe.responseTimeMs());
            ps.setString(5, probe.errorMessage());
            ps.setString(6, Db.json(probe.details() == null ? Map.of() : probe.details()));
            ps.setString(7, actorId);
            ps.executeUpdate();
          }
          if (next != old) {
            String msg =
                "health "
                    + old.dbName()
                    + " -> "
                    + next.dbName()
                    + (probe.errorMessage() != null ? ": " + probe.errorMessage() : "");
            events.append(
                c,
                instanceId,
                "health_changed",
                old.dbName(),
                next.dbName(),
                msg,
                Db.json(Map.of("actor_id", actorId, "consecutive_failures", failures)));
          }
          return new Outcome(true, next, failures, null);
        });
  }

  private static Optional<String> fence(Connection c, UUID instanceId, String actorId)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            """
        SELECT state::text, instance_actor_orchestration_id, monitoring_enabled
        FROM toygres_cms.instances WHERE id = ? FOR UPDATE""")) {
      ps.setObject(1, instanceId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.of("instance " + instanceId + " no longer exists");
        }
        String state = rs.getString(1);
        String recorded = rs.getString(2);
        if (!state.equals("running") && !state.equals("stopped")) {
          return Optional.of("instance is " + state);
        }
        if (!actorId.equals(recorded)) {
          return Optional.of("superseded: the instance's actor is now " + recorded);
        }
        if (!rs.getBoolean(3)) {
          return Optional.of("monitoring was turned off");
        }
        return Optional.empty();
      }
    }
  }

  /** Health checks of an instance, newest first. */
  public java.util.List<HealthCheck> list(UUID instanceId, int limit) {
    return Db.auto(
        ds,
        c -> {
          java.util.List<HealthCheck> out = new java.util.ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  """
          SELECT id, status, postgres_version, response_time_ms, error_message, details::text, actor_id, checked_at
          FROM toygres_cms.instance_health_checks WHERE instance_id = ? ORDER BY checked_at DESC, id DESC LIMIT ?""")) {
            ps.setObject(1, instanceId);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(CmsRows.check(rs));
              }
            }
          }
          return out;
        });
  }

  /** Deletes health checks older than {@code before}; returns how many. */
  public int prune(Instant before) {
    return Db.auto(
        ds,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "DELETE FROM toygres_cms.instance_health_checks WHERE checked_at < ?")) {
            ps.setTimestamp(1, java.sql.Timestamp.from(before));
            return ps.executeUpdate();
          }
        });
  }
}
