package dev.toygres.controlplane.cms;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

/** Maps CMS rows to records. */
final class CmsRows {
  static final String INSTANCE_COLUMNS =
      "id, user_name, k8s_name, namespace, postgres_version, storage_size_gb, state::text, health_status,"
          + " last_health_check, consecutive_failures, monitoring_enabled, create_orchestration_id,"
          + " delete_orchestration_id, instance_actor_orchestration_id, data_plane, host, port, tenant_user,"
          + " access_version, data_dir, pid, created_at, updated_at, started_at, stopped_at, deleted_at,"
          + " tags::text, socket_dir, tenant_password_sealed, superuser_password_sealed,"
          + " monitor_password_sealed,"
          // a correlated lookup rather than a join: callers' WHERE clauses name the instance's
          // columns unqualified, and instance_replication shares some of their names
          + " coalesce((SELECT r.replicas FROM toygres_cms.instance_replication r"
          + " WHERE r.instance_id = instances.id), 0),"
          + " archive_archived_count, archive_last_wal, archive_last_archived_at,"
          + " archive_failed_count, archive_last_failed_wal, archive_last_failed_at,"
          + " archive_current_wal, archive_checked_at";

  private CmsRows() {}

  static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }

  static InstanceRecord instance(ResultSet rs) throws SQLException {
    int port = rs.getInt(17);
    Integer portOrNull = rs.wasNull() ? null : port;
    long pid = rs.getLong(21);
    Long pidOrNull = rs.wasNull() ? null : pid;
    return new InstanceRecord(
        (UUID) rs.getObject(1),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        rs.getString(5),
        rs.getInt(6),
        InstanceState.parse(rs.getString(7)),
        HealthStatus.parse(rs.getString(8)),
        instant(rs.getTimestamp(9)),
        rs.getInt(10),
        rs.getBoolean(11),
        rs.getString(12),
        rs.getString(13),
        rs.getString(14),
        rs.getString(15),
        rs.getString(16),
        portOrNull,
        rs.getString(18),
        new InstanceRecord.Access(
            rs.getInt(19), rs.getString(28), rs.getString(29), rs.getString(30), rs.getString(31)),
        rs.getString(20),
        pidOrNull,
        instant(rs.getTimestamp(22)),
        instant(rs.getTimestamp(23)),
        instant(rs.getTimestamp(24)),
        instant(rs.getTimestamp(25)),
        instant(rs.getTimestamp(26)),
        rs.getString(27),
        rs.getInt(32),
        archive(rs));
  }

  /** The archive state recorded by the last health check that read it (columns 33-40), or null. */
  private static WalArchive archive(ResultSet rs) throws SQLException {
    Timestamp observed = rs.getTimestamp(40);
    if (observed == null) {
      return null;
    }
    return new WalArchive(
        rs.getLong(33),
        rs.getString(34),
        instant(rs.getTimestamp(35)),
        rs.getLong(36),
        rs.getString(37),
        instant(rs.getTimestamp(38)),
        rs.getString(39),
        observed.toInstant());
  }

  static InstanceEvent event(ResultSet rs) throws SQLException {
    return new InstanceEvent(
        rs.getLong(1),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        rs.getString(5),
        rs.getString(6),
        instant(rs.getTimestamp(7)));
  }

  static HealthCheck check(ResultSet rs) throws SQLException {
    double rt = rs.getDouble(4);
    Double rtOrNull = rs.wasNull() ? null : rt;
    return new HealthCheck(
        rs.getLong(1),
        HealthStatus.parse(rs.getString(2)),
        rs.getString(3),
        rtOrNull,
        rs.getString(5),
        rs.getString(6),
        rs.getString(7),
        instant(rs.getTimestamp(8)),
        rs.getString(9));
  }
}
