package dev.toygres.engine.client.internal;

import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.client.ExecutionInfo;
import dev.toygres.engine.client.HistoryRecord;
import dev.toygres.engine.client.InstanceInfo;
import dev.toygres.engine.client.InstanceQuery;
import dev.toygres.engine.client.Page;
import dev.toygres.engine.client.QueueStats;
import dev.toygres.engine.store.internal.Sql;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/** Reads and maintenance for the client's management API. */
final class ManagementQueries {
  private static final String INSTANCE_COLUMNS =
      "instance_id, name, version, status, execution_id, created_at, updated_at, completed_at,"
          + " custom_status, output, error::text, parent_instance_id";
  private final String s;
  private final String getInstance;
  private final String executions;
  private final String history;
  private final String deleteInstance;
  private final String purgeExecutions;
  private final String purgeHistory;
  private final String purgeInstances;

  ManagementQueries(String s) {
    this.s = s;
    getInstance =
        "SELECT %s FROM %s.instances WHERE instance_id = ?".formatted(INSTANCE_COLUMNS, s);
    executions =
        """
        SELECT e.instance_id, e.execution_id, e.name, coalesce(e.version, i.version), e.status,
               e.input, e.output, e.error::text, e.started_at, e.completed_at,
               (SELECT count(*) FROM %1$s.history h
                WHERE h.instance_id = e.instance_id AND h.execution_id = e.execution_id)
        FROM %1$s.executions e JOIN %1$s.instances i ON i.instance_id = e.instance_id
        WHERE e.instance_id = ? ORDER BY e.execution_id"""
            .formatted(s);
    history =
        """
        SELECT seq, created_at, data::text FROM %s.history
        WHERE instance_id = ? AND execution_id = ? ORDER BY seq"""
            .formatted(s);
    deleteInstance = "DELETE FROM %s.instances WHERE instance_id = ?".formatted(s);
    purgeExecutions =
        """
        DELETE FROM %1$s.executions e USING %1$s.instances i
        WHERE i.instance_id = e.instance_id AND e.completed_at < ?
          AND (e.execution_id < i.execution_id OR i.status <> 'running')
        RETURNING e.instance_id, e.execution_id"""
            .formatted(s);
    purgeHistory = "DELETE FROM %s.history WHERE instance_id = ? AND execution_id = ?".formatted(s);
    // Queue rows of a purged instance (a late outcome, an activity still leased when it ended)
    // go with it: nothing would ever fetch or discard them once the instance row is gone.
    purgeInstances =
        """
        WITH gone AS (
          DELETE FROM %1$s.instances i WHERE i.status <> 'running' AND i.completed_at < ?
            AND NOT EXISTS (SELECT 1 FROM %1$s.executions e WHERE e.instance_id = i.instance_id)
          RETURNING i.instance_id),
        q AS (DELETE FROM %1$s.orchestrator_queue WHERE instance_id IN (SELECT instance_id FROM gone))
        DELETE FROM %1$s.activity_queue WHERE instance_id IN (SELECT instance_id FROM gone)"""
            .formatted(s);
  }

  /** The instances with these ids that exist, in one query. */
  java.util.Map<String, InstanceInfo> instances(Connection c, java.util.Collection<String> ids)
      throws SQLException {
    java.util.Map<String, InstanceInfo> out = new java.util.HashMap<>();
    if (ids.isEmpty()) {
      return out;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT "
                + INSTANCE_COLUMNS
                + " FROM "
                + s
                + ".instances WHERE instance_id = ANY(?)")) {
      ps.setArray(1, c.createArrayOf("text", ids.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          InstanceInfo i = instance(rs);
          out.put(i.instanceId(), i);
        }
      }
    }
    return out;
  }

  /** Ids of the running instances of one orchestration, in one query. */
  List<String> runningIds(Connection c, String name) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT instance_id FROM " + s + ".instances WHERE status = 'running' AND name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  /**
   * The backlog of both queues on the database's clock. A message for an orchestration another
   * worker holds (its instance leased) still counts: it waits for that step to commit.
   */
  List<QueueStats> queues(Connection c) throws SQLException {
    String q =
        """
        SELECT 'orchestrations', count(*),
          COALESCE(EXTRACT(EPOCH FROM now() - min(visible_at)), 0)
        FROM %1$s.orchestrator_queue WHERE visible_at <= now()
        UNION ALL
        SELECT 'activities', count(*), COALESCE(EXTRACT(EPOCH FROM now() - min(visible_at)), 0)
        FROM %1$s.activity_queue
        WHERE visible_at <= now() AND (locked_until IS NULL OR locked_until < now())"""
            .formatted(s);
    List<QueueStats> out = new ArrayList<>(2);
    try (PreparedStatement ps = c.prepareStatement(q);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        double age = Math.max(0, rs.getDouble(3));
        out.add(
            new QueueStats(
                rs.getString(1), rs.getLong(2), Duration.ofNanos((long) (age * 1_000_000_000L))));
      }
    }
    return out;
  }

  Optional<InstanceInfo> instance(Connection c, String id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(getInstance)) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(instance(rs)) : Optional.empty();
      }
    }
  }

  private static InstanceInfo instance(ResultSet rs) throws SQLException {
    return new InstanceInfo(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        OrchestrationStatus.parse(rs.getString(4)),
        rs.getInt(5),
        Sql.instant(rs.getTimestamp(6)),
        Sql.instant(rs.getTimestamp(7)),
        Sql.instant(rs.getTimestamp(8)),
        rs.getString(9),
        rs.getString(10),
        Sql.failure(rs.getString(11)),
        rs.getString(12));
  }

  Page<InstanceInfo> list(Connection c, InstanceQuery q) throws SQLException {
    StringBuilder sql =
        new StringBuilder("SELECT ")
            .append(INSTANCE_COLUMNS)
            .append(" FROM ")
            .append(s)
            .append(".instances WHERE true");
    List<Object> args = new ArrayList<>();
    if (!q.statuses().isEmpty()) {
      sql.append(" AND status = ANY(?)");
      args.add(q.statuses().stream().map(OrchestrationStatus::dbName).toArray(String[]::new));
    }
    if (q.name() != null) {
      sql.append(" AND name = ?");
      args.add(q.name());
    }
    if (q.instanceIdPrefix() != null) {
      sql.append(" AND starts_with(instance_id, ?)");
      args.add(q.instanceIdPrefix());
    }
    if (q.cursor() != null) {
      Cursor cur = Cursor.decode(q.cursor());
      sql.append(" AND (created_at, instance_id) < (?, ?)");
      args.add(Timestamp.from(cur.createdAt()));
      args.add(cur.instanceId());
    }
    sql.append(" ORDER BY created_at DESC, instance_id DESC LIMIT ?");
    args.add(q.limit() + 1);
    List<InstanceInfo> items = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
      for (int i = 0; i < args.size(); i++) {
        Object a = args.get(i);
        if (a instanceof String[] arr) {
          ps.setArray(i + 1, c.createArrayOf("text", arr));
        } else {
          ps.setObject(i + 1, a);
        }
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          items.add(instance(rs));
        }
      }
    }
    String next = null;
    if (items.size() > q.limit()) {
      items = items.subList(0, q.limit());
      InstanceInfo last = items.get(items.size() - 1);
      next = new Cursor(last.createdAt(), last.instanceId()).encode();
    }
    return new Page<>(items, next);
  }

  List<ExecutionInfo> executions(Connection c, String id) throws SQLException {
    List<ExecutionInfo> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(executions)) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new ExecutionInfo(
                  rs.getString(1),
                  rs.getInt(2),
                  rs.getString(3),
                  rs.getString(4),
                  OrchestrationStatus.parse(rs.getString(5)),
                  rs.getString(6),
                  rs.getString(7),
                  Sql.failure(rs.getString(8)),
                  Sql.instant(rs.getTimestamp(9)),
                  Sql.instant(rs.getTimestamp(10)),
                  rs.getInt(11)));
        }
      }
    }
    return out;
  }

  List<HistoryRecord> history(Connection c, String id, int executionId) throws SQLException {
    List<HistoryRecord> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(history)) {
      ps.setString(1, id);
      ps.setInt(2, executionId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new HistoryRecord(
                  rs.getInt(1), Sql.instant(rs.getTimestamp(2)), Sql.event(id, rs.getString(3))));
        }
      }
    }
    return out;
  }

  /** Deletes an instance row (the caller deletes its data first). */
  boolean delete(Connection c, String id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(deleteInstance)) {
      ps.setString(1, id);
      return ps.executeUpdate() == 1;
    }
  }

  /** Deletes ended executions older than the cutoff, and ended instances left with none. */
  int purge(Connection c, Instant before) throws SQLException {
    List<String[]> purged = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(purgeExecutions)) {
      ps.setTimestamp(1, Timestamp.from(before));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          purged.add(new String[] {rs.getString(1), Integer.toString(rs.getInt(2))});
        }
      }
    }
    try (PreparedStatement ps = c.prepareStatement(purgeHistory)) {
      for (String[] p : purged) {
        ps.setString(1, p[0]);
        ps.setInt(2, Integer.parseInt(p[1]));
        ps.addBatch();
      }
      if (!purged.isEmpty()) {
        ps.executeBatch();
      }
    }
    try (PreparedStatement ps = c.prepareStatement(purgeInstances)) {
      ps.setTimestamp(1, Timestamp.from(before));
      ps.executeUpdate();
    }
    return purged.size();
  }

  private record Cursor(Instant createdAt, String instanceId) {
    String encode() {
      String raw = createdAt.toString() + "|" + instanceId;
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    static Cursor decode(String text) {
      try {
        String raw = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
        int bar = raw.indexOf('|');
        return new Cursor(Instant.parse(raw.substring(0, bar)), raw.substring(bar + 1));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("invalid page cursor '" + text + "'", e);
      }
    }
  }
}
