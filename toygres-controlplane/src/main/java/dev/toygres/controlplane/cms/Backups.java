package dev.toygres.controlplane.cms;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The backup catalogue ({@code toygres_cms.backups}, docs/backups.md#the-catalogue): one row per
 * base backup, written running in the transaction that starts its orchestration and ended completed
 * or failed by it, each change with its event on the instance. Rows outlive their instance.
 */
public final class Backups {
  static final String COLUMNS =
      "id, instance_id, instance_name, k8s_name, status, kind, started_at, finished_at, start_lsn,"
          + " end_lsn, timeline, size_bytes, verified, verify_error, orchestration_id, error,"
          + " location, deleted_at";

  private final DataSource ds;
  private final EventLog events = new EventLog();
  private final BackupPolicies policies;

  Backups(DataSource ds) {
    this.ds = ds;
    this.policies = new BackupPolicies(ds);
  }

  /** Each instance's schedule and retention. */
  public BackupPolicies policies() {
    return policies;
  }

  /** A backup about to start: its id (= its orchestration's id), instance, and why. */
  public record NewBackup(
      String id, UUID instanceId, String instanceName, String k8sName, String kind) {}

  /**
   * Records {@code b} running and runs {@code alsoInTx} (which starts its orchestration) in the
   * same transaction, with a {@code backup_started} event. Returns false, doing nothing, if a
   * backup of that id is recorded already (two servers starting the same scheduled backup).
   */
  public boolean start(NewBackup b, CmsStore.SameTransaction alsoInTx) {
    return Db.tx(ds, c -> insert(c, b, alsoInTx));
  }

  /** {@link #start(NewBackup, CmsStore.SameTransaction)} in the caller's transaction {@code c}. */
  public boolean start(Connection c, NewBackup b, CmsStore.SameTransaction alsoInTx) {
    try {
      return insert(c, b, alsoInTx);
    } catch (SQLException e) {
      throw Db.translate(e);
    }
  }

  private boolean insert(Connection c, NewBackup b, CmsStore.SameTransaction alsoInTx)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            """
        INSERT INTO toygres_cms.backups (id, instance_id, instance_name, k8s_name, kind, orchestration_id)
        VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING""")) {
      ps.setString(1, b.id());
      ps.setObject(2, b.instanceId());
      ps.setString(3, b.instanceName());
      ps.setString(4, b.k8sName());
      ps.setString(5, b.kind());
      ps.setString(6, b.id());
      if (ps.executeUpdate() == 0) {
        return false;
      }
    }
    event(c, b.instanceId(), "backup_started", b.kind() + " backup " + b.id() + " started", b.id());
    alsoInTx.run(c);
    return true;
  }

  /** Where a finished base backup lies and what it holds (from the data plane). */
  public record Taken(
      String startLsn,
      String endLsn,
      int timeline,
      Instant startedAt,
      Instant finishedAt,
      long sizeBytes,
      String location) {}

  /**
   * Ends a running backup: completed and verified when {@code verifyError} is null, else failed
   * with it. Returns false (nothing written) if the backup is no longer running.
   */
  public boolean finish(String id, Taken t, String verifyError) {
    boolean ok = verifyError == null;
    return end(
        id,
        """
        status = ?, finished_at = ?, start_lsn = ?, end_lsn = ?, timeline = ?, size_bytes = ?,
        location = ?, verified = ?, verify_error = ?, error = ?""",
        new Object[] {
          ok ? "completed" : "failed",
          Timestamp.from(t.finishedAt() != null ? t.finishedAt() : Instant.now()),
          t.startLsn(),
          t.endLsn(),
          t.timeline(),
          t.sizeBytes(),
          t.location(),
          ok,
          verifyError,
          ok ? null : "verification failed: " + verifyError
        },
        ok ? "backup_completed" : "backup_failed",
        ok
            ? "backup " + id + " completed: " + t.sizeBytes() + " bytes, up to LSN " + t.endLsn()
            : "backup " + id + " failed verification: " + verifyError);
  }

  /** Ends a running backup as failed with {@code error}; false if it is no longer running. */
  public boolean fail(String id, String error) {
    return end(
        id,
        "status = 'failed', finished_at = now(), error = ?",
        new Object[] {error},
        "backup_failed",
        "backup " + id + " failed: " + error);
  }

  private boolean end(String id, String set, Object[] args, String type, String message) {
    return Db.tx(
        ds,
        c -> {
          UUID instance;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE toygres_cms.backups SET "
                      + set
                      + " WHERE id = ? AND status = 'running' RETURNING instance_id")) {
            for (int i = 0; i < args.length; i++) {
              ps.setObject(i + 1, args[i]);
            }
            ps.setString(args.length + 1, id);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return false;
              }
              instance = rs.getObject(1, UUID.class);
            }
          }
          event(c, instance, type, message, id);
          return true;
        });
  }

  /** Records a verification made after the backup (before a restore from it): null is intact. */
  public void verified(String id, String verifyError) {
    Db.auto(
        ds,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE toygres_cms.backups SET verified = ?, verify_error = ? WHERE id = ?")) {
            ps.setBoolean(1, verifyError == null);
            ps.setString(2, verifyError);
            ps.setString(3, id);
            ps.executeUpdate();
          }
          return null;
        });
  }

  /** Records that the backup's files were removed ({@code why} goes to the instance's events). */
  public void markDeleted(String id, String why) {
    Db.tx(
        ds,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE toygres_cms.backups SET deleted_at = now() WHERE id = ? AND deleted_at IS"
                      + " NULL RETURNING instance_id")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
              if (rs.next()) {
                event(c, rs.getObject(1, UUID.class), "backup_deleted", why, id);
              }
            }
          }
          return null;
        });
  }

  /** The backup, deleted or not. */
  public Optional<BackupRow> find(String id) {
    List<BackupRow> l = query("WHERE id = ?", id);
    return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
  }

  /**
   * The backups of instances named {@code name} (deleted instances too), not deleted, oldest first.
   */
  public List<BackupRow> listByName(String name) {
    return query("WHERE instance_name = ? AND deleted_at IS NULL ORDER BY started_at, id", name);
  }

  /** The backups of one instance, not deleted, oldest first. */
  public List<BackupRow> list(UUID instanceId) {
    return query(
        "WHERE instance_id = ? AND deleted_at IS NULL ORDER BY started_at, id", instanceId);
  }

  /** Every backup not deleted, oldest first. */
  public List<BackupRow> listAll() {
    return query("WHERE deleted_at IS NULL ORDER BY started_at, id");
  }

  private List<BackupRow> query(String where, Object... args) {
    return Db.auto(
        ds,
        c -> {
          List<BackupRow> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement("SELECT " + COLUMNS + " FROM toygres_cms.backups " + where)) {
            for (int i = 0; i < args.length; i++) {
              ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(BackupRow.of(rs));
              }
            }
          }
          return out;
        });
  }

  private void event(Connection c, UUID instance, String type, String message, String backupId)
      throws SQLException {
    events.append(c, instance, type, null, null, message, Db.json(Map.of("backup_id", backupId)));
  }
}
