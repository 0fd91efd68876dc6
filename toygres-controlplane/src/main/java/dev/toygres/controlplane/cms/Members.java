package dev.toygres.controlplane.cms;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
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
