package dev.toygres.controlplane.cms;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Each instance's backup policy ({@code toygres_cms.backup_policies}): how often a scheduled backup
 * is taken, how long backups are kept, when the next one is due, and what its delete does with
 * them. An instance without a row has {@link #DEFAULT}, its first backup due as soon as it runs.
 */
public final class BackupPolicies {
  private static final String SECONDS = "extract(epoch FROM %s)::bigint";

  /**
   * A policy.
   *
   * @param schedule how often a scheduled backup is taken; null: never
   * @param retention how long backups are kept (see docs/backups.md#schedules-and-retention)
   * @param nextBackupAt when the next scheduled backup is due (null: as soon as the instance runs)
   */
  public record Policy(Duration schedule, Duration retention, Instant nextBackupAt) {
    public Policy {
      if (retention == null || retention.isNegative() || retention.isZero()) {
        throw new IllegalArgumentException("retention must be positive");
      }
      if (schedule != null && (schedule.isNegative() || schedule.isZero())) {
        throw new IllegalArgumentException("schedule must be positive");
      }
    }
  }

  /** A backup a day, each kept 7 days. */
  public static final Policy DEFAULT = new Policy(Duration.ofDays(1), Duration.ofDays(7), null);

  /** An instance whose scheduled backup is due at {@code due}. */
  public record Due(UUID instanceId, String name, String k8sName, Instant due, Duration schedule) {}

  /**
   * An instance that has backups or an archive in the store: its state, when it was deleted (null
   * if live), its retention, and whether its delete asked to remove them.
   */
  public record Holder(
      UUID instanceId,
      String name,
      String k8sName,
      String state,
      Instant deletedAt,
      Duration retention,
      boolean deleteWithInstance) {}

  private final DataSource ds;

  BackupPolicies(DataSource ds) {
    this.ds = ds;
  }

  /** The instance's policy ({@link #DEFAULT} without a row). */
  public Policy get(UUID instanceId) {
    return Db.auto(
        ds,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + SECONDS.formatted("backup_schedule")
                      + ", "
                      + SECONDS.formatted("backup_retention")
                      + ", next_backup_at FROM toygres_cms.backup_policies WHERE instance_id = ?")) {
            ps.setObject(1, instanceId);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return DEFAULT;
              }
              long every = rs.getLong(1);
              Duration schedule = rs.wasNull() ? null : Duration.ofSeconds(every);
              Timestamp next = rs.getTimestamp(3);
              return new Policy(
                  schedule,
                  Duration.ofSeconds(rs.getLong(2)),
                  next == null ? null : next.toInstant());
            }
          }
        });
  }

  /**
   * Sets the schedule ({@code scheduleOff}: none; null {@code schedule}: unchanged) and the
   * retention (null: unchanged). A new schedule moves the next backup to one schedule after now.
   */
  public Policy set(UUID instanceId, Duration schedule, boolean scheduleOff, Duration retention) {
    Db.auto(
        ds,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  """
          INSERT INTO toygres_cms.backup_policies (instance_id) VALUES (?)
          ON CONFLICT (instance_id) DO NOTHING""")) {
            ps.setObject(1, instanceId);
            ps.executeUpdate();
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  """
          UPDATE toygres_cms.backup_policies SET
            backup_schedule = CASE WHEN ? THEN NULL WHEN ?::bigint IS NULL THEN backup_schedule
                                   ELSE make_interval(secs => ?::bigint) END,
            next_backup_at = CASE WHEN ?::bigint IS NULL THEN next_backup_at
                                  ELSE now() + make_interval(secs => ?::bigint) END,
            backup_retention = CASE WHEN ?::bigint IS NULL THEN backup_retention
                                    ELSE make_interval(secs => ?::bigint) END
          WHERE instance_id = ?""")) {
            Long every = schedule == null || scheduleOff ? null : schedule.toSeconds();
            Long keep = retention == null ? null : retention.toSeconds();
            ps.setBoolean(1, scheduleOff);
            ps.setObject(2, every);
            ps.setObject(3, every);
            ps.setObject(4, every);
            ps.setObject(5, every);
            ps.setObject(6, keep);
            ps.setObject(7, keep);
            ps.setObject(8, instanceId);
            ps.executeUpdate();
          }
          return null;
        });
    return get(instanceId);
  }

  /** Running instances whose scheduled backup is due by {@code now}. */
  public List<Due> due(Instant now) {
    return Db.auto(
        ds,
        c -> {
          List<Due> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  """
          SELECT i.id, i.user_name, i.k8s_name,
                 coalesce(p.next_backup_at, i.started_at, i.created_at) AS due,
                 coalesce(extract(epoch FROM p.backup_schedule)::bigint, 86400) AS every
          FROM toygres_cms.instances i
          LEFT JOIN toygres_cms.backup_policies p ON p.instance_id = i.id
          WHERE i.state = 'running'
            AND (p.instance_id IS NULL OR p.backup_schedule IS NOT NULL)
            AND coalesce(p.next_backup_at, i.started_at, i.created_at) <= ?
          ORDER BY due""")) {
            ps.setTimestamp(1, Timestamp.from(now));
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new Due(
                        rs.getObject(1, UUID.class),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getTimestamp(4).toInstant(),
                        Duration.ofSeconds(rs.getLong(5))));
              }
            }
          }
          return out;
        });
  }

  /**
   * Moves the next backup of {@code d}'s instance to {@code next} if it is still due at {@code
   * d.due()}, and runs {@code alsoInTx} (which records and starts the backup) in the same
   * transaction. Returns false, doing nothing, if another server claimed it first.
   */
  public boolean claim(Due d, Instant next, CmsStore.SameTransaction alsoInTx) {
    return Db.tx(
        ds,
        c -> {
          if (!advance(c, d, next)) {
            return false;
          }
          alsoInTx.run(c);
          return true;
        });
  }

  private static boolean advance(Connection c, Due d, Instant next) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            """
        INSERT INTO toygres_cms.backup_policies AS p (instance_id, next_backup_at) VALUES (?, ?)
        ON CONFLICT (instance_id) DO UPDATE SET next_backup_at = EXCLUDED.next_backup_at
        WHERE p.next_backup_at IS NULL OR p.next_backup_at = ?""")) {
      ps.setObject(1, d.instanceId());
      ps.setTimestamp(2, Timestamp.from(next));
      ps.setTimestamp(3, Timestamp.from(d.due()));
      return ps.executeUpdate() == 1;
    }
  }

  /** Records the delete's choice to remove the instance's backups with it, in {@code tx}. */
  public void deleteWithInstance(Connection tx, UUID instanceId) throws SQLException {
    try (PreparedStatement ps =
        tx.prepareStatement(
            """
        INSERT INTO toygres_cms.backup_policies (instance_id, delete_with_instance) VALUES (?, true)
        ON CONFLICT (instance_id) DO UPDATE SET delete_with_instance = true""")) {
      ps.setObject(1, instanceId);
      ps.executeUpdate();
    }
  }

  /** Records that every backup and the archive of the instance were removed from the store. */
  public void purged(UUID instanceId) {
    Db.auto(
        ds,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  """
          INSERT INTO toygres_cms.backup_policies (instance_id, purged_at) VALUES (?, now())
          ON CONFLICT (instance_id) DO UPDATE SET purged_at = coalesce(backup_policies.purged_at, now())""")) {
            ps.setObject(1, instanceId);
            ps.executeUpdate();
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE toygres_cms.backups SET deleted_at = now() WHERE instance_id = ? AND"
                      + " deleted_at IS NULL")) {
            ps.setObject(1, instanceId);
            ps.executeUpdate();
          }
          return null;
        });
  }

  /** Whether the instance's delete asked to remove its backups with it. */
  public boolean deletesWithInstance(UUID instanceId) {
    return Db.auto(
        ds,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT delete_with_instance FROM toygres_cms.backup_policies WHERE instance_id"
                      + " = ?")) {
            ps.setObject(1, instanceId);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() && rs.getBoolean(1);
            }
          }
        });
  }

  /**
   * Instances whose store may hold something: live ones, and deleted ones not yet purged that have
   * a backup row (instances deleted before backups existed have nothing to purge).
   */
  public List<Holder> holders() {
    return Db.auto(
        ds,
        c -> {
          List<Holder> out = new ArrayList<>();
          try (PreparedStatement ps =
                  c.prepareStatement(
                      """
          SELECT i.id, i.user_name, i.k8s_name, i.state::text, i.deleted_at,
                 coalesce(extract(epoch FROM p.backup_retention)::bigint, 604800),
                 coalesce(p.delete_with_instance, false)
          FROM toygres_cms.instances i
          LEFT JOIN toygres_cms.backup_policies p ON p.instance_id = i.id
          WHERE p.purged_at IS NULL
            AND (i.state <> 'deleted'
                 OR EXISTS (SELECT 1 FROM toygres_cms.backups b WHERE b.instance_id = i.id))
          ORDER BY i.user_name""");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              Timestamp deleted = rs.getTimestamp(5);
              out.add(
                  new Holder(
                      rs.getObject(1, UUID.class),
                      rs.getString(2),
                      rs.getString(3),
                      rs.getString(4),
                      deleted == null ? null : deleted.toInstant(),
                      Duration.ofSeconds(rs.getLong(6)),
                      rs.getBoolean(7)));
            }
          }
          return out;
        });
  }
}
