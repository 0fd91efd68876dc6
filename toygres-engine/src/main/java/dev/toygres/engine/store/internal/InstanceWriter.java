package dev.toygres.engine.store.internal;

import dev.toygres.engine.history.HistoryEvent;
import dev.toygres.engine.history.HistoryEvent.ExecutionStarted;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/** Creates instances and executions; shared by client starts and orchestration steps. */
public final class InstanceWriter {
  private final String insertInstance;
  private final String lockExisting;
  private final String resetInstance;
  private final String insertExecution;
  private final String insertHistory;
  private final String insertWake;
  private final List<String> deleteData;

  public InstanceWriter(String s) {
    insertInstance =
        """
        INSERT INTO %s.instances (instance_id, name, version, status, execution_id, parent_instance_id)
        VALUES (?, ?, ?, 'running', 1, ?) ON CONFLICT (instance_id) DO NOTHING"""
            .formatted(s);
    lockExisting = "SELECT status FROM %s.instances WHERE instance_id = ? FOR UPDATE".formatted(s);
    resetInstance =
        """
        UPDATE %s.instances SET name = ?, version = ?, status = 'running', execution_id = 1,
          output = NULL, error = NULL, custom_status = NULL, parent_instance_id = ?,
          created_at = now(), updated_at = now(), completed_at = NULL, lock_token = NULL,
          locked_until = NULL, locked_by = NULL, dispatch_count = 0, last_error = NULL
        WHERE instance_id = ?"""
            .formatted(s);
    insertExecution =
        """
        INSERT INTO %s.executions (instance_id, execution_id, name, version, status, input)
        VALUES (?, ?, ?, ?, 'running', ?)"""
            .formatted(s);
    insertHistory =
        """
        INSERT INTO %s.history (instance_id, execution_id, seq, event_type, data)
        VALUES (?, ?, ?, ?, ?::jsonb)"""
            .formatted(s);
    insertWake =
        "INSERT INTO %s.orchestrator_queue (instance_id, kind) VALUES (?, 'WAKE')".formatted(s);
    deleteData =
        List.of(
            "DELETE FROM %s.executions WHERE instance_id = ?".formatted(s),
            "DELETE FROM %s.history WHERE instance_id = ?".formatted(s),
            "DELETE FROM %s.orchestrator_queue WHERE instance_id = ?".formatted(s),
            "DELETE FROM %s.activity_queue WHERE instance_id = ?".formatted(s));
  }

  /**
   * Creates the instance with its first execution and a wake-up message. Returns null when created,
   * else the status of the instance that holds the id (and nothing is written).
   */
  public String create(Connection c, NewInstance n, boolean replaceIfEnded) throws SQLException {
    String parent = n.parent() == null ? null : n.parent().instanceId();
    int inserted;
    try (PreparedStatement ps = c.prepareStatement(insertInstance)) {
      ps.setString(1, n.instanceId());
      ps.setString(2, n.name());
      ps.setString(3, n.version());
      ps.setString(4, parent);
      inserted = ps.executeUpdate();
    }
    if (inserted == 0) {
      String existing = existingStatus(c, n.instanceId());
      if (!replaceIfEnded || existing == null || "running".equals(existing)) {
        return existing == null ? "unknown" : existing;
      }
      deleteData(c, n.instanceId());
      try (PreparedStatement ps = c.prepareStatement(resetInstance)) {
        ps.setString(1, n.name());
        ps.setString(2, n.version());
        ps.setString(3, parent);
        ps.setString(4, n.instanceId());
        ps.executeUpdate();
      }
    }
    List<HistoryEvent> first =
        List.of(new ExecutionStarted(n.name(), n.version(), n.input(), n.parent()));
    startExecution(c, n.instanceId(), 1, n.name(), n.version(), n.input(), first);
    return null;
  }

  /** Writes an execution row, its first history events and a wake-up message. */
  public void startExecution(
      Connection c,
      String instanceId,
      int executionId,
      String name,
      String version,
      String input,
      List<HistoryEvent> initialHistory)
      throws SQLException {
    startExecution(c, instanceId, executionId, name, version, input, initialHistory, true);
  }

  /**
   * Writes an execution row and its first history events, and a wake-up message if {@code wake}
   * (false when its first step is in {@code history} already).
   */
  public void startExecution(
      Connection c,
      String instanceId,
      int executionId,
      String name,
      String version,
      String input,
      List<HistoryEvent> initialHistory,
      boolean wake)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(insertExecution)) {
      ps.setString(1, instanceId);
      ps.setInt(2, executionId);
      ps.setString(3, name);
      ps.setString(4, version);
      ps.setString(5, input);
      ps.executeUpdate();
    }
    appendHistory(c, instanceId, executionId, 0, initialHistory);
    if (!wake) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(insertWake)) {
      ps.setString(1, instanceId);
      ps.executeUpdate();
    }
  }

  /** Appends events to an execution's history from position {@code firstSeq}. */
  public void appendHistory(
      Connection c, String instanceId, int executionId, int firstSeq, List<HistoryEvent> events)
      throws SQLException {
    if (events.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(insertHistory)) {
      int seq = firstSeq;
      for (HistoryEvent e : events) {
        ps.setString(1, instanceId);
        ps.setInt(2, executionId);
        ps.setInt(3, seq++);
        ps.setString(4, e.kind());
        ps.setString(5, Sql.eventJson(e));
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** Deletes everything stored for an instance except its row. */
  public void deleteData(Connection c, String instanceId) throws SQLException {
    for (String sql : deleteData) {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, instanceId);
        ps.executeUpdate();
      }
    }
  }

  private String existingStatus(Connection c, String instanceId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(lockExisting)) {
      ps.setString(1, instanceId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }
}
