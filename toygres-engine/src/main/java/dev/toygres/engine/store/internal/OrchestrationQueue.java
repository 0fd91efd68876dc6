package dev.toygres.engine.store.internal;

import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.history.HistoryEvent;
import dev.toygres.engine.store.OrchestrationWorkItem;
import dev.toygres.engine.store.QueueMessage;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Leases orchestration instances that have messages, one step at a time. */
public final class OrchestrationQueue {
  static final int MAX_MESSAGES_PER_STEP = 500;
  private final String lockNext;
  private final String readMessages;
  private final String readHistory;
  private final String abandon;
  private final String renew;
  private final String nextVisible;
  private final String discard;

  public OrchestrationQueue(String s) {
    discard =
        """
        WITH d AS (DELETE FROM %1$s.orchestrator_queue WHERE id = ANY(?))
        UPDATE %1$s.instances SET lock_token = NULL, locked_until = NULL, locked_by = NULL,
          dispatch_count = 0
        WHERE instance_id = ? AND lock_token = ?"""
            .formatted(s);
    lockNext =
        """
        WITH candidate AS (
          SELECT i.instance_id FROM %1$s.orchestrator_queue q
          JOIN %1$s.instances i ON i.instance_id = q.instance_id
          WHERE q.visible_at <= now() AND (i.locked_until IS NULL OR i.locked_until < now())
          ORDER BY q.visible_at, q.id
          LIMIT 1
          FOR UPDATE OF i SKIP LOCKED)
        UPDATE %1$s.instances i
        SET lock_token = ?, locked_until = now() + make_interval(secs => ?), locked_by = ?,
            dispatch_count = i.dispatch_count + 1
        FROM candidate c WHERE i.instance_id = c.instance_id
        RETURNING i.instance_id, i.name, i.version, i.status, i.execution_id, i.dispatch_count,
                  i.last_error, now()"""
            .formatted(s);
    // In the order the messages became due, not the order they were written: a timer written
    // long ago but due now comes after an event raised before it was due.
    readMessages =
        """
        SELECT id, execution_id, kind, data::text, reason FROM (
          SELECT id, execution_id, kind, data, data->>'reason' AS reason, visible_at
          FROM %s.orchestrator_queue WHERE instance_id = ? AND visible_at <= now()
          ORDER BY visible_at, id LIMIT %d) m ORDER BY visible_at, id"""
            .formatted(s, MAX_MESSAGES_PER_STEP);
    readHistory =
        "SELECT data::text FROM %s.history WHERE instance_id = ? AND execution_id = ? ORDER BY seq"
            .formatted(s);
    abandon =
        """
        UPDATE %s.instances SET lock_token = NULL, locked_by = NULL,
          locked_until = now() + make_interval(secs => ?), last_error = ?
        WHERE instance_id = ? AND lock_token = ?"""
            .formatted(s);
    renew =
        """
        UPDATE %s.instances SET locked_until = now() + make_interval(secs => ?)
        WHERE lock_token = ANY(?)"""
            .formatted(s);
    nextVisible =
        "SELECT min(visible_at) FROM %s.orchestrator_queue WHERE visible_at > now()".formatted(s);
  }

  public Optional<OrchestrationWorkItem> fetch(Connection c, String workerId, Duration lease)
      throws SQLException {
    UUID token = UUID.randomUUID();
    String instanceId;
    String name;
    String version;
    OrchestrationStatus status;
    int executionId;
    int dispatchCount;
    String lastError;
    Instant now;
    try (PreparedStatement ps = c.prepareStatement(lockNext)) {
      ps.setObject(1, token);
      ps.setDouble(2, lease.toMillis() / 1000.0);
      ps.setString(3, workerId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        instanceId = rs.getString(1);
        name = rs.getString(2);
        version = rs.getString(3);
        status = OrchestrationStatus.parse(rs.getString(4));
        executionId = rs.getInt(5);
        dispatchCount = rs.getInt(6);
        lastError = rs.getString(7);
        now = rs.getTimestamp(8).toInstant();
      }
    }
    List<QueueMessage> messages = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(readMessages)) {
      ps.setString(1, instanceId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          messages.add(message(rs));
        }
      }
    }
    List<HistoryEvent> history = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(readHistory)) {
      ps.setString(1, instanceId);
      ps.setInt(2, executionId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          history.add(Sql.event(rs.getString(1)));
        }
      }
    }
    return Optional.of(
        new OrchestrationWorkItem(
            instanceId, token, name, version, status, executionId, history, messages,
            dispatchCount, lastError, now));
  }

  private static QueueMessage message(ResultSet rs) throws SQLException {
    long id = rs.getLong(1);
    int exec = rs.getInt(2);
    Integer executionId = rs.wasNull() ? null : exec;
    QueueMessage.Kind kind = QueueMessage.Kind.valueOf(rs.getString(3));
    return switch (kind) {
      case EVENT -> new QueueMessage(id, executionId, kind, Sql.event(rs.getString(4)), null);
      case CANCEL -> new QueueMessage(id, executionId, kind, null, rs.getString(5));
      case WAKE -> new QueueMessage(id, executionId, kind, null, null);
    };
  }

  public void abandon(Connection c, String instanceId, UUID token, String error, Duration delay)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(abandon)) {
      ps.setDouble(1, delay.toMillis() / 1000.0);
      ps.setString(2, error);
      ps.setString(3, instanceId);
      ps.setObject(4, token);
      ps.executeUpdate();
    }
  }

  /** Drops the item's messages and releases its lease, changing nothing else. */
  public void discard(Connection c, OrchestrationWorkItem item) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(discard)) {
      ps.setArray(1, c.createArrayOf("bigint", item.messages().stream().map(QueueMessage::id).toArray()));
      ps.setString(2, item.instanceId());
      ps.setObject(3, item.lockToken());
      ps.executeUpdate();
    }
  }

  public int renew(Connection c, Collection<UUID> tokens, Duration lease) throws SQLException {
    if (tokens.isEmpty()) {
      return 0;
    }
    try (PreparedStatement ps = c.prepareStatement(renew)) {
      Array arr = c.createArrayOf("uuid", tokens.toArray());
      ps.setDouble(1, lease.toMillis() / 1000.0);
      ps.setArray(2, arr);
      return ps.executeUpdate();
    }
  }

  public Optional<Instant> nextVisibleAt(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(nextVisible);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return Optional.ofNullable(Sql.instant(rs.getTimestamp(1)));
    }
  }
}
