package dev.toygres.controlplane.cms;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

/**
 * One base backup as the catalogue records it.
 *
 * @param status {@code running}, {@code completed} or {@code failed}
 * @param kind {@code manual} or {@code scheduled}
 * @param verified whether its files matched its manifest when last checked (null: not yet)
 * @param deletedAt when its files were removed (null: still stored)
 */
public record BackupRow(
    String id,
    UUID instanceId,
    String instanceName,
    String k8sName,
    String status,
    String kind,
    Instant startedAt,
    Instant finishedAt,
    String startLsn,
    String endLsn,
    Integer timeline,
    Long sizeBytes,
    Boolean verified,
    String verifyError,
    String orchestrationId,
    String error,
    String location,
    Instant deletedAt) {
  public static final String RUNNING = "running";
  public static final String COMPLETED = "completed";
  public static final String FAILED = "failed";

  /** Completed, verified and still stored: a restore may start from it. */
  public boolean usable() {
    return COMPLETED.equals(status) && Boolean.TRUE.equals(verified) && deletedAt == null;
  }

  static BackupRow of(ResultSet rs) throws SQLException {
    return new BackupRow(
        rs.getString("id"),
        rs.getObject("instance_id", UUID.class),
        rs.getString("instance_name"),
        rs.getString("k8s_name"),
        rs.getString("status"),
        rs.getString("kind"),
        instant(rs.getTimestamp("started_at")),
        instant(rs.getTimestamp("finished_at")),
        rs.getString("start_lsn"),
        rs.getString("end_lsn"),
        (Integer) rs.getObject("timeline"),
        (Long) rs.getObject("size_bytes"),
        (Boolean) rs.getObject("verified"),
        rs.getString("verify_error"),
        rs.getString("orchestration_id"),
        rs.getString("error"),
        rs.getString("location"),
        instant(rs.getTimestamp("deleted_at")));
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }
}
