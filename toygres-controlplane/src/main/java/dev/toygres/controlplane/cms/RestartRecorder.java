package dev.toygres.controlplane.cms;

import dev.toygres.engine.activity.LeaseFence;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The crash-restart state of instances (docs/actor.md#crash-restart): how many restarts since the
 * server last stayed healthy, how many did not stick, when the next is due, and the health reason.
 * Scheduling and attempting are fenced like a health check: by the calling activity's lease and by
 * the row still holding the actor, {@code running}, and the attempts the actor read.
 */
public final class RestartRecorder {
  private static final String READ =
      """
      SELECT restart_attempts, restart_failures, last_restart_at, next_restart_at, health_reason, now()
      FROM toygres_cms.instances WHERE id = ?""";
  private static final String SCHEDULE =
      """
      UPDATE toygres_cms.instances
      SET next_restart_at = now() + ? * interval '1 millisecond', health_reason = ?
      WHERE id = ? AND instance_actor_orchestration_id = ? AND state = 'running'
        AND restart_attempts = ? AND next_restart_at IS NULL""";
  private static final String CLAIM =
      """
      UPDATE toygres_cms.instances
      SET restart_attempts = restart_attempts + 1, restart_failures = restart_attempts,
          last_restart_at = now(), next_restart_at = NULL
      WHERE id = ? AND instance_actor_orchestration_id = ? AND state = 'running'
        AND restart_attempts = ? AND next_restart_at <= now()
      RETURNING k8s_name""";
  private static final String STARTED =
      "UPDATE toygres_cms.instances SET pid = ?, updated_at = now() WHERE id = ?";
  private static final String FAILED =
      """
      UPDATE toygres_cms.instances
      SET restart_failures = restart_attempts, next_restart_at = now() + ? * interval '1 millisecond',
          health_reason = ?
      WHERE id = ?""";
  private static final String HEALTHY =
      """
      UPDATE toygres_cms.instances
      SET health_reason = NULL, next_restart_at = NULL,
          restart_attempts = CASE WHEN last_restart_at < now() - ? * interval '1 millisecond'
                                  THEN 0 ELSE restart_attempts END,
          restart_failures = CASE WHEN last_restart_at < now() - ? * interval '1 millisecond'
                                  THEN 0 ELSE restart_failures END
      WHERE id = ? AND (health_reason IS NOT NULL OR next_restart_at IS NOT NULL
                        OR restart_attempts > 0)""";
  private static final String FORGET =
      """
      UPDATE toygres_cms.instances
      SET health_reason = NULL, next_restart_at = NULL, restart_attempts = 0, restart_failures = 0
      WHERE id = ? AND state <> 'running' AND (health_reason IS NOT NULL
        OR next_restart_at IS NOT NULL OR restart_attempts > 0)""";

  private final DataSource ds;
  private final EventLog events = new EventLog();

  public RestartRecorder(DataSource ds) {
    this.ds = Objects.requireNonNull(ds, "ds");
  }

  /** An instance's restart state, and the database's clock when it was read. */
  public record State(
      int attempts,
      int failures,
      Instant lastRestartAt,
      Instant nextRestartAt,
      String healthReason,
      Instant now) {}

  /** What became of one restart attempt: started (with the new pid) or failed (with why). */
  public record Attempt(int number, Long pid, String error) {
    public boolean started() {
      return error == null;
    }
  }

  /** The restart state of instance {@code id}. */
  public State read(UUID id) {
    return Db.auto(
        ds,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(READ)) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                throw new CmsException("instance " + id + " is not in the CMS", null);
              }
              return new State(
                  rs.getInt(1),
                  rs.getInt(2),
                  CmsRows.instant(rs.getTimestamp(3)),
                  CmsRows.instant(rs.getTimestamp(4)),
                  rs.getString(5),
                  CmsRows.instant(rs.getTimestamp(6)));
            }
          }
        });
  }

  /**
   * Schedules restart attempt {@code attempts + 1} in {@code delay} and sets the health reason, if
   * the row still records {@code actorId}, {@code running}, {@code attempts} and nothing scheduled.
   */
  public boolean schedule(
      UUID id, String actorId, int attempts, Duration delay, String reason, LeaseFence lease) {
    return Db.tx(
        ds,
        c -> {
          lease.ensureHeldIn(c, "scheduling a restart of instance " + id);
          try (PreparedStatement ps = c.prepareStatement(SCHEDULE)) {
            ps.setLong(1, delay.toMillis());
            ps.setString(2, reason);
            ps.setObject(3, id);
            ps.setString(4, actorId);
            ps.setInt(5, attempts);
            return ps.executeUpdate() == 1;
          }
        });
  }

  /**
   * Makes restart attempt {@code attempts + 1}, if it is due and the row still records {@code
   * actorId}, {@code running} and {@code attempts}: claims it (so that it is made once, whoever
   * asks), runs {@code start} while holding the row (a stop or delete waits for it), and records
   * the outcome with an event ({@code server_restarted} or {@code server_restart_failed}). A failed
   * start schedules the next attempt in {@code retryIn} with the health reason {@code
   * reasonIfFailed}. Returns null when there was nothing to claim.
   */
  public Attempt attempt(
      UUID id,
      String actorId,
      int attempts,
      Supplier<Long> start,
      Duration retryIn,
      String reasonIfFailed,
      LeaseFence lease) {
    return Db.tx(
        ds,
        c -> {
          lease.ensureHeldIn(c, "restarting the server of instance " + id);
          if (!claim(c, id, actorId, attempts)) {
            return null;
          }
          int number = attempts + 1;
          Long pid;
          try {
            pid = start.get();
          } catch (RuntimeException e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            failed(c, id, retryIn, reasonIfFailed);
            events.append(
                c,
                id,
                "server_restart_failed",
                null,
                null,
                "restart attempt " + number + " failed: " + why + " (" + reasonIfFailed + ")",
                Db.json(Map.of("attempt", number, "actor_id", actorId)));
            return new Attempt(number, null, why);
          }
          try (PreparedStatement ps = c.prepareStatement(STARTED)) {
            ps.setObject(1, pid);
            ps.setObject(2, id);
            ps.executeUpdate();
          }
          events.append(
              c,
              id,
              "server_restarted",
              null,
              null,
              "server restarted after it was found down (attempt " + number + ", pid " + pid + ")",
              Db.json(Map.of("attempt", number, "actor_id", actorId)));
          return new Attempt(number, pid, null);
        });
  }

  private static boolean claim(Connection c, UUID id, String actorId, int attempts)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(CLAIM)) {
      ps.setObject(1, id);
      ps.setString(2, actorId);
      ps.setInt(3, attempts);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static void failed(Connection c, UUID id, Duration retryIn, String reason)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(FAILED)) {
      ps.setLong(1, retryIn.toMillis());
      ps.setString(2, reason);
      ps.setObject(3, id);
      ps.executeUpdate();
    }
  }

  /**
   * A healthy probe: clears the health reason and any scheduled attempt, and forgets the restarts
   * once the last was more than {@code stableAfter} ago.
   */
  public void healthy(UUID id, Duration stableAfter) {
    Db.auto(
        ds,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(HEALTHY)) {
            ps.setLong(1, stableAfter.toMillis());
            ps.setLong(2, stableAfter.toMillis());
            ps.setObject(3, id);
            return ps.executeUpdate();
          }
        });
  }

  /**
   * The health reason of every instance that has one (a server down and being restarted, a crash
   * loop), by instance id: one query for the whole fleet.
   */
  public Map<UUID, String> healthReasons() {
    return Db.auto(
        ds,
        c -> {
          Map<UUID, String> out = new HashMap<>();
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT id, health_reason FROM toygres_cms.instances"
                          + " WHERE health_reason IS NOT NULL AND state <> 'deleted'");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.put((UUID) rs.getObject(1), rs.getString(2));
            }
          }
          return out;
        });
  }

  /**
   * An instance no longer running (stopped by a person, say): its restart state is forgotten, with
   * an event of type {@code eventType} saying {@code message} when that is not null.
   */
  public void forget(UUID id, String eventType, String message) {
    Db.tx(
        ds,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(FORGET)) {
            ps.setObject(1, id);
            if (ps.executeUpdate() == 1 && message != null) {
              events.append(c, id, eventType, null, null, message, "{}");
            }
            return null;
          }
        });
  }
}
