package dev.toygres.controlplane.cms;

import dev.toygres.engine.activity.LeaseFence;
import dev.toygres.engine.activity.LeaseLostException;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * Writes an actor's health checks. Every write is fenced: it happens only while the row still holds
 * what the actor read before its probe (its actor, monitoring on, a watched state, the same
 * health), checked by the write itself, so no row lock is held while the instance is probed. The
 * whole record of a check is one statement (docs/actor.md#the-loop); checks that finish while
 * others are being written are written together by one statement ({@link HealthWrites}).
 */
public final class HealthRecorder {
  // One statement: the lease's fence, the conditional update of the instance (which depends on the
  // fence), the check's row and the event (which depend on the update). Placeholders in order.
  // Its commit does not wait for the WAL flush (set_config(..., true) lasts for this statement's
  // transaction): a check counts once the commit that records its outcome in the actor's history
  // (a step or an activity's completion) is flushed, and that flush, later in the WAL, makes this
  // write durable too. A database crash before it loses only a check that is then run again.
  private static final String RECORD =
      """
      WITH no_flush_wait AS MATERIALIZED (SELECT set_config('synchronous_commit', 'off', true)),
      lease AS (%s),
      recorded AS (
        UPDATE toygres_cms.instances
        SET health_status = ?, consecutive_failures = ?, last_health_check = now()%s
        WHERE id = ? AND instance_actor_orchestration_id = ? AND monitoring_enabled
          AND state::text = ANY (?) AND health_status = ? AND consecutive_failures = ?
          AND EXISTS (SELECT FROM lease)
        RETURNING id),
      checked AS (
        INSERT INTO toygres_cms.instance_health_checks
          (instance_id, status, postgres_version, response_time_ms, error_message, details, actor_id,
           members)
        SELECT id, ?::text, ?::text, ?::float8, ?::text, ?::jsonb, ?::text, ?::jsonb
        FROM recorded)%s
      SELECT EXISTS (SELECT FROM lease), EXISTS (SELECT FROM recorded) FROM no_flush_wait""";
  private static final String SET_ARCHIVE =
      """
      , archive_archived_count = ?, archive_last_wal = ?, archive_last_archived_at = ?,
        archive_failed_count = ?, archive_last_failed_wal = ?, archive_last_failed_at = ?,
        archive_current_wal = ?, archive_checked_at = ?""";
  private static final String EVENT =
      """
      ,
      changed AS (
        INSERT INTO toygres_cms.instance_events
          (instance_id, event_type, old_state, new_state, message, metadata)
        SELECT id, 'health_changed', ?::text, ?::text, ?::text, ?::jsonb FROM recorded)""";
  private static final LeaseFence.Query HELD = new LeaseFence.Query("SELECT 1", List.of());

  /**
   * The shapes {@link #RECORD} takes: a fence's query, with the archive's columns, with an event.
   */
  private record Shape(String fence, boolean archive, boolean changed) {
    String sql() {
      return RECORD.formatted(fence, archive ? SET_ARCHIVE : "", changed ? EVENT : "");
    }
  }

  /**
   * {@link #RECORD} made once per shape (a few: one per fence query): formatting it at every check
   * took 3% of a 20,000-actor server's CPU (a profile of the fleet benchmark), and the same String
   * keeps its hash for the driver's statement cache.
   */
  private static final Map<Shape, String> SQL = new ConcurrentHashMap<>();

  private final DataSource ds;
  private final HealthCheckPartitions partitions;
  private final HealthWrites writes;

  public HealthRecorder(DataSource ds) {
    this(ds, null);
  }

  /**
   * Records over {@code ds}, and the sizes of the groups of checks written together in {@code
   * registry} ({@code toygres_health_write_group_checks}; null: nowhere).
   */
  public HealthRecorder(DataSource ds, MeterRegistry registry) {
    this.ds = ds;
    this.partitions = new HealthCheckPartitions(ds);
    this.writes = new HealthWrites(ds, registry);
  }

  /** The daily partitions the checks are written to. */
  public HealthCheckPartitions partitions() {
    return partitions;
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
   * status changes, all or nothing, and only while through {@code lease} the calling worker still
   * holds the check's activity call (a worker paused past its lease and resumed must not record a
   * check another worker now owns). When the lease can be said in SQL ({@link LeaseFence#asQuery})
   * that is one statement; otherwise one transaction that checks the lease first. A check whose day
   * has no partition yet (the pruner and the server's start make them ahead) makes it and is
   * written again, once. Checks recorded at the same time share one statement ({@link
   * HealthWrites}).
   *
   * @return whether it was recorded; false when the row no longer holds what was expected (nothing
   *     is written)
   * @throws dev.toygres.engine.activity.LeaseLostException if the lease is gone (nothing written)
   */
  public boolean record(
      UUID instanceId, Expected expected, Health next, ProbeResult probe, LeaseFence lease) {
    Optional<LeaseFence.Member> member = lease.asMember();
    if (member.isPresent()) {
      Boolean together =
          writes.record(new HealthWrites.Check(instanceId, expected, next, probe, member.get()));
      if (together != null) {
        return together;
      }
    }
    return alone(instanceId, expected, next, probe, lease);
  }

  /** Records the check with a statement of its own. */
  private boolean alone(
      UUID instanceId, Expected expected, Health next, ProbeResult probe, LeaseFence lease) {
    try {
      return write(instanceId, expected, next, probe, lease);
    } catch (CmsException e) {
      if (!noPartition(e)) {
        throw e;
      }
      partitions.createAhead(Instant.now());
      return write(instanceId, expected, next, probe, lease);
    }
  }

  private boolean write(
      UUID instanceId, Expected expected, Health next, ProbeResult probe, LeaseFence lease) {
    String what = "recording the health check of instance " + instanceId;
    Optional<LeaseFence.Query> fence = lease.asQuery();
    boolean[] outcome =
        fence.isPresent()
            ? Db.auto(ds, c -> statement(c, fence.get(), instanceId, expected, next, probe))
            : Db.tx(
                ds,
                c -> {
                  lease.ensureHeldIn(c, what);
                  return statement(c, HELD, instanceId, expected, next, probe);
                });
    if (!outcome[0]) {
      throw new LeaseLostException(
          what + ": this worker no longer holds the activity call (another worker took it over)");
    }
    return outcome[1];
  }

  /** Whether the lease held, and whether the check was recorded. */
  private static boolean[] statement(
      Connection c,
      LeaseFence.Query fence,
      UUID instanceId,
      Expected expected,
      Health next,
      ProbeResult probe)
      throws SQLException {
    HealthStatus old = expected.health().status();
    boolean changed = next.status() != old;
    WalArchive archive = probe.archive();
    String sql = SQL.computeIfAbsent(new Shape(fence.sql(), archive != null, changed), Shape::sql);
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 0;
      for (Object p : fence.params()) {
        ps.setObject(++i, p);
      }
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
      ps.setString(++i, old.dbName());
      ps.setInt(++i, expected.health().consecutiveFailures());
      ps.setString(++i, probe.status().dbName());
      ps.setString(++i, probe.postgresVersion());
      ps.setObject(++i, probe.responseTimeMs(), Types.DOUBLE);
      ps.setString(++i, probe.errorMessage());
      ps.setString(++i, details(probe));
      ps.setString(++i, expected.actorId());
      ps.setString(++i, members(probe));
      if (changed) {
        ps.setString(++i, old.dbName());
        ps.setString(++i, next.status().dbName());
        ps.setString(++i, eventMessage(old, next, probe));
        ps.setString(++i, eventMetadata(expected, next));
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new boolean[] {rs.getBoolean(1), rs.getBoolean(2)};
      }
    }
  }

  /** The check row's details, as JSON. */
  static String details(ProbeResult probe) {
    return Db.json(probe.details() == null ? Map.of() : probe.details());
  }

  /** What the check saw of the instance's servers, as JSON, or null. */
  static String members(ProbeResult probe) {
    return probe.members() == null
        ? null
        : Db.json(probe.members().stream().map(MemberCheck::toJson).toList());
  }

  /** The {@code health_changed} event's message. */
  static String eventMessage(HealthStatus old, Health next, ProbeResult probe) {
    return "health "
        + old.dbName()
        + " -> "
        + next.status().dbName()
        + (probe.errorMessage() != null ? ": " + probe.errorMessage() : "");
  }

  /** The {@code health_changed} event's metadata, as JSON. */
  static String eventMetadata(Expected expected, Health next) {
    return Db.json(
        Map.of("actor_id", expected.actorId(), "consecutive_failures", next.consecutiveFailures()));
  }

  private static boolean noPartition(CmsException e) {
    return e.getCause() instanceof SQLException s
        && "23514".equals(s.getSQLState())
        && String.valueOf(s.getMessage()).contains("no partition");
  }

  private static Timestamp timestamp(Instant t) {
    return t == null ? null : Timestamp.from(t);
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
}
