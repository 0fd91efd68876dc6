package dev.toygres.controlplane.cms;

import dev.toygres.engine.activity.LeaseFence;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Writes an actor's health checks. Every write is fenced: it happens only while the row still holds
 * what the actor read before its probe (its actor, monitoring on, a watched state, the same
 * health), checked by the write itself, so no row lock is held while the instance is probed.
 */
public final class HealthRecorder {
  private static final String RECORD =
      """
      UPDATE toygres_cms.instances
      SET health_status = ?, consecutive_failures = ?, last_health_check = now()%s
      WHERE id = ? AND instance_actor_orchestration_id = ? AND monitoring_enabled
        AND state::text = ANY (?) AND health_status = ? AND consecutive_failures = ?""";
  private static final String SET_ARCHIVE =
      """
      , archive_archived_count = ?, archive_last_wal = ?, archive_last_archived_at = ?,
        archive_failed_count = ?, archive_last_failed_wal = ?, archive_last_failed_at = ?,
        archive_current_wal = ?, archive_checked_at = ?""";
  private static final String INSERT_CHECK =
      """
      INSERT INTO toygres_cms.instance_health_checks
        (instance_id, status, postgres_version, response_time_ms, error_message, details, actor_id,
         members)
      VALUES (?, ?, ?, ?, ?, ?::jsonb, ?, ?::jsonb)""";

  private final DataSource ds;
  private final EventLog events = new EventLog();

  public HealthRecorder(DataSource ds) {
    this.ds = ds;
  }

  /**
   * What the instance's row must still hold for a check to be recorded: {@code actorId} as its
   * actor, monitoring on, a state among {@code states}, and {@code health}.
   */
  public record Expected(String actorId, Set<InstanceState> states, Health health) {
    public Expected {
      Objects.requireNonNull(actorId, "actorId");
      states = Set.copyOf(states);
      Objects.requireNonNull(health, "health");
    }
  }

  /**
   * Records {@code probe} for the instance if its row holds what is {@code expected}: the new
   * health, {@code last_health_check = now()} and, when the probe read it, the WAL archive's state
   * (one conditional update), the health-check row, and a {@code health_changed} event when the
   * status changes, in one transaction, which first makes sure through {@code lease} that the
   * calling worker still holds the check's activity call (a worker paused past its lease and
   * resumed must not record a check another worker now owns).
   *
   * @return whether it was recorded; false when the row no longer holds what was expected (nothing
   *     is written)
   * @throws dev.toygres.engine.activity.LeaseLostException if the lease is gone (nothing written)
   */
  public boolean record(
      UUID instanceId, Expected expected, Health next, ProbeResult probe, LeaseFence lease) {
    return Db.tx(
        ds,
        c -> {
          lease.ensureHeldIn(c, "recording the health check of instance " + instanceId);
          if (!update(c, instanceId, expected, next, probe.archive())) {
            return false;
          }
          insertCheck(c, instanceId, expected.actorId(), probe);
          HealthStatus old = expected.health().status();
          if (next.status() != old) {
            String msg =
                "health "
                    + old.dbName()
                    + " -> "
                    + next.status().dbName()
                    + (probe.errorMessage() != null ? ": " + probe.errorMessage() : "");
            events.append(
                c,
                instanceId,
                "health_changed",
                old.dbName(),
                next.status().dbName(),
                msg,
                Db.json(
                    Map.of(
                        "actor_id",
                        expected.actorId(),
                        "consecutive_failures",
                        next.consecutiveFailures())));
          }
          return true;
        });
  }

  private static boolean update(
      Connection c, UUID instanceId, Expected expected, Health next, WalArchive archive)
      throws SQLException {
    String sql = RECORD.formatted(archive == null ? "" : SET_ARCHIVE);
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 0;
      ps.setString(++i, next.status().dbName());
      ps.setInt(++i, next.consecutiveFailures());
      if (archive != null) {
        ps.setLong(++i, archive.archivedCount());
        ps.setString(++i, archive.lastArchivedWal());
        ps.setTimestamp(++i, timestamp(archive.lastArchivedAt()));
        ps.setLong(++i, archive.failedCount());
        ps.setString(++i, archive.lastFailedWal());
        ps.setTimestamp(++i, timestamp(archive.lastFailedAt()));
        ps.setString(++i, archive.currentWal());
        ps.setTimestamp(++i, timestamp(archive.observedAt()));
      }
      ps.setObject(++i, instanceId);
      ps.setString(++i, expected.actorId());
      ps.setArray(
          ++i,
          c.createArrayOf("text", expected.states().stream().map(InstanceState::dbName).toArray()));
      ps.setString(++i, expected.health().status().dbName());
      ps.setInt(++i, expected.health().consecutiveFailures());
      return ps.executeUpdate() == 1;
    }
  }

  private static Timestamp timestamp(Instant t) {
    return t == null ? null : Timestamp.from(t);
  }

  private static void insertCheck(Connection c, UUID instanceId, String actorId, ProbeResult probe)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(INSERT_CHECK)) {
      ps.setObject(1, instanceId);
      ps.setString(2, probe.status().dbName());
      ps.setString(3, probe.postgresVersion());
      ps.setObject(4, probe.responseTimeMs());
      ps.setString(5, probe.errorMessage());
      ps.setString(6, Db.json(probe.details() == null ? Map.of() : probe.details()));
      ps.setString(7, actorId);
      ps.setString(
          8,
          probe.members() == null
              ? null
              : Db.json(probe.members().stream().map(MemberCheck::toJson).toList()));
      ps.executeUpdate();
    }
  }

  /** Health checks of an instance, newest first. */
  public List<HealthCheck> list(UUID instanceId, int limit) {
    return Db.auto(
        ds,
        c -> {
          List<HealthCheck> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  """
          SELECT id, status, postgres_version, response_time_ms, error_message, details::text, actor_id, checked_at,
            members::text
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

  /**
   * The newest {@code perInstance} health checks of every live instance, newest first, by instance
   * id (instances without checks are absent). One query for the whole fleet: for each instance, an
   * index scan that stops after {@code perInstance} rows (a window function over the checks would
   * read every check kept, days of them, to keep a few).
   */
  public Map<UUID, List<RecentCheck>> recent(int perInstance) {
    return Db.auto(
        ds,
        c -> {
          Map<UUID, List<RecentCheck>> out = new HashMap<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  """
          SELECT i.id, h.checked_at, h.status, h.response_time_ms
          FROM toygres_cms.instances i
          CROSS JOIN LATERAL (
            SELECT checked_at, status, response_time_ms, id
            FROM toygres_cms.instance_health_checks
            WHERE instance_id = i.id
            ORDER BY checked_at DESC, id DESC
            LIMIT ?) h
          WHERE i.state <> 'deleted'
          ORDER BY i.id, h.checked_at DESC, h.id DESC""")) {
            ps.setInt(1, perInstance);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                double ms = rs.getDouble(4);
                Double responseTime = rs.wasNull() ? null : ms;
                out.computeIfAbsent((UUID) rs.getObject(1), k -> new ArrayList<>())
                    .add(
                        new RecentCheck(
                            CmsRows.instant(rs.getTimestamp(2)),
                            HealthStatus.parse(rs.getString(3)),
                            responseTime));
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
