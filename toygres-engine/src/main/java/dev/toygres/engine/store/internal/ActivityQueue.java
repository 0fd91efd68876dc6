package dev.toygres.engine.store.internal;

import dev.toygres.engine.history.HistoryEvent.Completion;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Leases activity work items to workers and turns their outcomes into orchestration messages. */
final class ActivityQueue {
  private final String lockBatch;
  private final String complete;
  private final String abandon;
  private final String renew;
  private final String held;
  private final String fence;
  private final String memberFence;
  private final String nextVisible;

  ActivityQueue(String s) {
    // The candidates are picked once, in a materialized CTE: with "WHERE id IN (SELECT ... LIMIT n
    // FOR UPDATE SKIP LOCKED)" PostgreSQL may evaluate the subquery again (a rescan, a recheck of a
    // concurrently updated row) and lease far more than n items, more than the caller has slots
    // for.
    lockBatch =
        """
        WITH picked AS MATERIALIZED (
          SELECT id, lock_token IS NOT NULL AS taken_over FROM %1$s.activity_queue
          WHERE visible_at <= now() AND (locked_until IS NULL OR locked_until < now())
          ORDER BY visible_at, id LIMIT ? FOR UPDATE SKIP LOCKED)
        UPDATE %1$s.activity_queue a
        SET lock_token = ?, locked_until = now() + make_interval(secs => ?), locked_by = ?,
            dispatch_count = a.dispatch_count + 1
        FROM picked WHERE a.id = picked.id
        RETURNING a.id, a.instance_id, a.execution_id, a.task_id, a.name, a.input, a.dispatch_count,
          a.attempt_timeout_ms, picked.taken_over"""
            .formatted(s);
    complete =
        """
        WITH done AS (
          DELETE FROM %1$s.activity_queue WHERE id = ? AND lock_token = ?
          RETURNING instance_id, execution_id)
        INSERT INTO %1$s.orchestrator_queue (instance_id, execution_id, kind, data)
        SELECT instance_id, execution_id, 'EVENT', ?::jsonb FROM done"""
            .formatted(s);
    abandon =
        """
        UPDATE %s.activity_queue SET lock_token = NULL, locked_until = NULL, locked_by = NULL,
          visible_at = now() + make_interval(secs => ?)
        WHERE id = ? AND lock_token = ?"""
            .formatted(s);
    renew = Sql.renewSql(s, "activity_queue", "id");
    held = "SELECT id, lock_token FROM %s.activity_queue WHERE lock_token = ANY(?)".formatted(s);
    // FOR SHARE: a takeover (FOR UPDATE SKIP LOCKED) passes the row by until the caller commits.
    fence =
        """
        SELECT 1 FROM %s.activity_queue
        WHERE id = ? AND lock_token = ? AND locked_until > now() FOR SHARE"""
            .formatted(s);
    // The fence of many calls at once (LeaseFence.asMember): never waits, SKIP LOCKED.
    memberFence =
        """
        SELECT k.ord FROM unnest(?::text[], ?::text[]) WITH ORDINALITY AS k(id, lock_token, ord)
        JOIN %s.activity_queue q ON q.id = k.id::bigint AND q.lock_token = k.lock_token::uuid
        WHERE q.locked_until > now() FOR SHARE OF q SKIP LOCKED"""
            .formatted(s);
    // As for orchestrations: what became visible after the fetch looked counts too.
    nextVisible =
        """
        SELECT min(visible_at) FROM %s.activity_queue
        WHERE visible_at > now() - make_interval(secs => ?)"""
            .formatted(s);
  }

  List<ActivityWorkItem> fetch(Connection c, String workerId, int max, Duration lease)
      throws SQLException {
    UUID token = UUID.randomUUID();
    List<ActivityWorkItem> items = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(lockBatch)) {
      ps.setInt(1, max);
      ps.setObject(2, token);
      ps.setDouble(3, lease.toMillis() / 1000.0);
      ps.setString(4, workerId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          items.add(
              new ActivityWorkItem(
                  rs.getLong(1),
                  token,
                  rs.getString(2),
                  rs.getInt(3),
                  rs.getInt(4),
                  rs.getString(5),
                  rs.getString(6),
                  rs.getInt(7),
                  rs.getObject(8) == null ? null : Duration.ofMillis(rs.getLong(8)),
                  rs.getBoolean(9)));
        }
      }
    }
    items.sort((a, b) -> Long.compare(a.id(), b.id()));
    return items;
  }

  /**
   * Records outcomes in one batch; returns, per item, whether its lease was still held (an outcome
   * whose lease was lost is dropped: another worker owns the item).
   */
  boolean[] complete(Connection c, List<ActivityWorkItem> items, List<Completion> outcomes)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(complete)) {
      for (int i = 0; i < items.size(); i++) {
        ps.setLong(1, items.get(i).id());
        ps.setObject(2, items.get(i).lockToken());
        ps.setString(3, Sql.eventJson(outcomes.get(i)));
        ps.addBatch();
      }
      int[] counts = ps.executeBatch();
      boolean[] held = new boolean[counts.length];
      for (int i = 0; i < counts.length; i++) {
        held[i] = counts[i] == 1;
      }
      return held;
    }
  }

  void abandon(Connection c, ActivityWorkItem item, Duration delay) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(abandon)) {
      ps.setDouble(1, delay.toMillis() / 1000.0);
      ps.setLong(2, item.id());
      ps.setObject(3, item.lockToken());
      ps.executeUpdate();
    }
  }

  /** The fence's query: placeholders the work item's id and its lock token. */
  String fenceSql() {
    return fence;
  }

  String memberFenceSql() {
    return memberFence;
  }

  boolean holds(Connection c, long id, UUID token) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(fence)) {
      ps.setLong(1, id);
      ps.setObject(2, token);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  int renew(Connection c, Collection<UUID> tokens, Duration lease) throws SQLException {
    return Sql.renew(c, renew, tokens, lease);
  }

  /** The work items still leased under one of {@code tokens}, with their token. */
  Map<Long, UUID> held(Connection c, Collection<UUID> tokens) throws SQLException {
    Map<Long, UUID> out = new HashMap<>();
    if (tokens.isEmpty()) {
      return out;
    }
    try (PreparedStatement ps = c.prepareStatement(held)) {
      ps.setArray(1, c.createArrayOf("uuid", tokens.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getLong(1), rs.getObject(2, UUID.class));
        }
      }
    }
    return out;
  }

  Optional<Instant> nextVisibleAt(Connection c, Duration sinceLooked) throws SQLException {
    return Sql.instantOf(c, nextVisible, Sql.seconds(sinceLooked));
  }
}
