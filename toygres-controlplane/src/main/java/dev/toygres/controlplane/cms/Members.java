package dev.toygres.controlplane.cms;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * An instance's desired replication ({@code toygres_cms.instance_replication}) and the servers that
 * make it up ({@code toygres_cms.members}): its primary and its streaming standbys. An instance
 * without a replication row has no replicas (instances made before replicas existed).
 */
public final class Members {
  private final DataSource ds;

  Members(DataSource ds) {
    this.ds = ds;
  }

  /**
   * How many standbys an instance should have, and whether every commit waits for one of them.
   *
   * @param replicas 0 to 5
   * @param synchronous only with at least one replica
   */
  public record Replication(int replicas, boolean synchronous) {
    public static final Replication NONE = new Replication(0, false);

    public Replication {
      if (replicas < 0 || replicas > 5) {
        throw new IllegalArgumentException("replicas must be 0 to 5, was " + replicas);
      }
      if (synchronous && replicas < 1) {
        throw new IllegalArgumentException("synchronous replication needs a replica");
      }
    }
  }

  /**
   * One server of an instance as recorded.
   *
   * @param ordinal 0 for the primary, n for standby n
   * @param role {@code primary} or {@code standby}
   * @param state {@code running} or {@code stopped}
   */
  public record Row(
      UUID instanceId,
      int ordinal,
      String role,
      String name,
      Integer port,
      Long pid,
      String dataDir,
      String slot,
      String state) {
    public Row {
      Objects.requireNonNull(instanceId, "instanceId");
      Objects.requireNonNull(role, "role");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(state, "state");
    }
  }

  /** Records the desired replication of an instance in {@code tx} (insert or replace). */
  public void setReplication(Connection tx, UUID id, Replication r) throws SQLException {
    try (PreparedStatement ps =
        tx.prepareStatement(
            """
            INSERT INTO toygres_cms.instance_replication (instance_id, replicas, synchronous)
            VALUES (?, ?, ?)
            ON CONFLICT (instance_id) DO UPDATE
              SET replicas = excluded.replicas, synchronous = excluded.synchronous,
                  updated_at = now()""")) {
      ps.setObject(1, id);
      ps.setInt(2, r.replicas());
      ps.setBoolean(3, r.synchronous());
      ps.executeUpdate();
    }
  }

  /** As {@link #setReplication(Connection, UUID, Replication)}, in a transaction of its own. */
  public void setReplication(UUID id, Replication r) {
    Db.tx(
        ds,
        c -> {
          setReplication(c, id, r);
          return null;
        });
  }

  /** The desired replication of an instance ({@link Replication#NONE} if none is recorded). */
  public Replication replication(UUID id) {
    return Db.auto(
        ds,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  """
                  SELECT replicas, synchronous FROM toygres_cms.instance_replication
                  WHERE instance_id = ?""")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? new Replication(rs.getInt(1), rs.getBoolean(2)) : Replication.NONE;
            }
          }
        });
  }

  /**
   * The failover or switchover under way for an instance, and its failover history.
   *
   * @param replication the desired replication
   * @param operation {@code failover}, {@code switchover}, or null when none runs
   * @param operationId the orchestration id of that operation (null when none)
   * @param operationStartedAt when it was claimed (null when none)
   * @param failovers automatic failovers claimed so far
   * @param lastFailoverAt when the last failover completed (null: never)
   * @param now the CMS database's clock when this was read
   */
  public record ReplicationState(
      Replication replication,
      String operation,
      String operationId,
      Instant operationStartedAt,
      int failovers,
      Instant lastFailoverAt,
      Instant now) {}

  /** The replication state of an instance (no replicas and no operation when none is recorded). */
  public ReplicationState state(UUID id) {
    return Db.auto(
        ds,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  """
                  SELECT r.replicas, r.synchronous, r.operation, r.operation_id,
                         r.operation_started_at, r.failovers, r.last_failover_at, now()
                  FROM (SELECT 1) one
                  LEFT JOIN toygres_cms.instance_replication r ON r.instance_id = ?""")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              Instant now = rs.getTimestamp(8).toInstant();
              if (rs.getObject(1) == null) {
                return new ReplicationState(Replication.NONE, null, null, null, 0, null, now);
              }
              return new ReplicationState(
                  new Replication(rs.getInt(1), rs.getBoolean(2)),
                  rs.getString(3),
                  rs.getString(4),
                  instant(rs.getTimestamp(5)),
                  rs.getInt(6),
                  instant(rs.getTimestamp(7)),
                  now);
            }
          }
        });
  }

  /**
   * Claims the next automatic failover of an instance with replicas, unless a failover or
   * switchover runs or the last failover completed less than {@code cooldown} ago, and runs {@code
   * alsoInTx} with the claimed orchestration id (which starts that orchestration) in the same
   * transaction. The id is {@code failover-<k8sName>-<n>}, {@code n} counting the instance's
   * failovers: one id per attempt, the same whichever server claims it. Returns the id, or empty if
   * nothing was claimed.
   */
  public Optional<String> claimFailover(
      UUID id, String k8sName, Duration cooldown, Claimed alsoInTx) {
    return Db.tx(
        ds,
        c -> {
          String claimed = null;
          try (PreparedStatement ps =
              c.prepareStatement(
                  """
                  UPDATE toygres_cms.instance_replication
                  SET operation = 'failover', operation_id = 'failover-' || ? || '-' || (failovers + 1),
                      operation_started_at = now(), failovers = failovers + 1, updated_at = now()
                  WHERE instance_id = ? AND operation IS NULL AND replicas > 0
                    AND (last_failover_at IS NULL
                         OR last_failover_at <= now() - make_interval(secs => ?))
                  RETURNING operation_id""")) {
            ps.setString(1, k8sName);
            ps.setObject(2, id);
            ps.setDouble(3, cooldown.toMillis() / 1000.0);
            try (ResultSet rs = ps.executeQuery()) {
              if (rs.next()) {
                claimed = rs.getString(1);
              }
            }
          }
          if (claimed != null) {
            alsoInTx.run(c, claimed);
          }
          return Optional.ofNullable(claimed);
        });
  }

  /**
   * Claims a switchover of an instance with replicas under {@code orchestrationId}, unless a
   * failover or switchover runs, and runs {@code alsoInTx} in the same transaction. Returns the
   * orchestration id already under way when another holds the claim, else empty (claimed).
   */
  public Optional<String> claimSwitchover(UUID id, String orchestrationId, Claimed alsoInTx) {
    return Db.tx(
        ds,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  """
                  UPDATE toygres_cms.instance_replication
                  SET operation = 'switchover', operation_id = ?, operation_started_at = now(),
                      updated_at = now()
                  WHERE instance_id = ? AND operation IS NULL AND replicas > 0""")) {
            ps.setString(1, orchestrationId);
            ps.setObject(2, id);
            if (ps.executeUpdate() == 1) {
              alsoInTx.run(c, orchestrationId);
              return Optional.<String>empty();
            }
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  """
                  SELECT coalesce(operation_id, '') FROM toygres_cms.instance_replication
                  WHERE instance_id = ?""")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
              return Optional.of(rs.next() ? rs.getString(1) : "");
            }
          }
        });
  }

  /** Work done in the transaction of a claim, given the claimed orchestration id. */
  public interface Claimed {
    void run(Connection tx, String orchestrationId) throws SQLException;
  }

  /**
   * Ends the operation {@code orchestrationId} of an instance (no-op if it no longer holds the
   * claim); {@code failedOver} starts the failover cooldown. Returns how long the operation ran, or
   * empty if it held no claim.
   */
  public Optional<Duration> release(UUID id, String orchestrationId, boolean failedOver) {
    return Db.auto(
        ds,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  """
                  UPDATE toygres_cms.instance_replication r
                  SET operation = NULL, operation_id = NULL, operation_started_at = NULL,
                      last_failover_at = CASE WHEN ? THEN now() ELSE r.last_failover_at END,
                      updated_at = now()
                  FROM (SELECT operation_started_at FROM toygres_cms.instance_replication
                        WHERE instance_id = ? AND operation_id = ? FOR UPDATE) old
                  WHERE r.instance_id = ? AND r.operation_id = ?
                  RETURNING (extract(epoch FROM now() - old.operation_started_at) * 1000)::bigint""")) {
            ps.setBoolean(1, failedOver);
            ps.setObject(2, id);
            ps.setString(3, orchestrationId);
            ps.setObject(4, id);
            ps.setString(5, orchestrationId);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next()
                  ? Optional.of(Duration.ofMillis(rs.getLong(1)))
                  : Optional.<Duration>empty();
            }
          }
        });
  }

  private static Instant instant(java.sql.Timestamp t) {
    return t == null ? null : t.toInstant();
  }

  /** Records a server of an instance (insert or replace by ordinal). */
  public void upsert(Row r) {
    Db.auto(
        ds,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  """
                  INSERT INTO toygres_cms.members
                    (instance_id, ordinal, role, name, port, pid, data_dir, slot, state)
                  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                  ON CONFLICT (instance_id, ordinal) DO UPDATE
                    SET role = excluded.role, name = excluded.name, port = excluded.port,
                        pid = excluded.pid, data_dir = excluded.data_dir, slot = excluded.slot,
                        state = excluded.state, updated_at = now()""")) {
            ps.setObject(1, r.instanceId());
            ps.setInt(2, r.ordinal());
            ps.setString(3, r.role());
            ps.setString(4, r.name());
            ps.setObject(5, r.port());
            ps.setObject(6, r.pid());
            ps.setString(7, r.dataDir());
            ps.setString(8, r.slot());
            ps.setString(9, r.state());
            ps.executeUpdate();
          }
          return null;
        });
  }

  /** Forgets server {@code ordinal} of an instance (no-op if it is not recorded). */
  public void remove(UUID id, int ordinal) {
    Db.auto(
        ds,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "DELETE FROM toygres_cms.members WHERE instance_id = ? AND ordinal = ?")) {
            ps.setObject(1, id);
            ps.setInt(2, ordinal);
            ps.executeUpdate();
          }
          return null;
        });
  }

  /** The recorded servers of an instance, by ordinal (primary first). */
  public List<Row> list(UUID id) {
    return Db.auto(
        ds,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  """
                  SELECT instance_id, ordinal, role, name, port, pid, data_dir, slot, state
                  FROM toygres_cms.members WHERE instance_id = ? ORDER BY ordinal""")) {
            ps.setObject(1, id);
            List<Row> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new Row(
                        rs.getObject(1, UUID.class),
                        rs.getInt(2),
                        rs.getString(3),
                        rs.getString(4),
                        (Integer) rs.getObject(5),
                        (Long) rs.getObject(6),
                        rs.getString(7),
                        rs.getString(8),
                        rs.getString(9)));
              }
            }
            return out;
          }
        });
  }

  /** Sets the state (and pid) of every recorded server of an instance. */
  public void setAllStates(UUID id, String state) {
    Db.auto(
        ds,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  """
                  UPDATE toygres_cms.members SET state = ?, pid = NULL, updated_at = now()
                  WHERE instance_id = ?""")) {
            ps.setString(1, state);
            ps.setObject(2, id);
            ps.executeUpdate();
          }
          return null;
        });
  }

  /** Forgets every server of an instance (its servers and data are gone). */
  public void removeAll(UUID id) {
    Db.auto(
        ds,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM toygres_cms.members WHERE instance_id = ?")) {
            ps.setObject(1, id);
            ps.executeUpdate();
          }
          return null;
        });
  }
}
