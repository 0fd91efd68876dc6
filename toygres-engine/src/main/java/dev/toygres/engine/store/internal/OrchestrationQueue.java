package dev.toygres.engine.store.internal;

import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.history.HistoryEvent;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** Leases orchestration instances that have messages, one step at a time. */
final class OrchestrationQueue {
  static final int MAX_MESSAGES_PER_STEP = 500;
  private final String lockOwn;
  private final String lockOthers;
  // The lock statements by batch size: the size is written into the text, so that after a few
  // fetches the server keeps one generic plan per size. With the size a parameter, the generic
  // plan's estimate (a tenth of the head) made it look dearer than planning each fetch anew, and
  // the server planned every fetch again (0.7 ms, about as much as running it).
  private final Map<Integer, String> lockOwnBySize = new ConcurrentHashMap<>();
  private final Map<Integer, String> lockOthersBySize = new ConcurrentHashMap<>();
  private final String readMessages;
  private final String readHistory;
  private final String abandon;
  private final String renew;
  private final String held;
  private final String nextVisible;
  private final String discard;
  private final String fence;
  private final String memberFence;

  OrchestrationQueue(String s) {
    discard =
        """
        WITH d AS (DELETE FROM %1$s.orchestrator_queue WHERE id = ANY(?))
        UPDATE %1$s.instances SET lock_token = NULL, locked_until = NULL, locked_by = NULL,
          dispatch_count = 0
        WHERE instance_id = ? AND lock_token = ?"""
            .formatted(s);
    // The candidates are picked once (MATERIALIZED): a locking subquery that the planner inlines
    // and evaluates again could lease more instances than asked for. The head of the due messages
    // (a merge of index scans, at most 512 per branch) is cut to each instance's oldest message
    // there, so an instance with many messages takes one place in the batch; then, oldest first,
    // each instance is looked up by key and locked (SKIP LOCKED) until the batch is full. Behind a
    // backlog, a fetch so looks up about as many instances as it leases plus those other fetches
    // hold; it looked up every instance of the head before (512 for a batch of 32), most of the
    // metadata database's buffer reads at 20,000 actors behind their rate (docs/benchmarks.md).
    // Walking the messages themselves one by one (and testing each for an older one of its
    // instance) cost a fan-out, where every instance has several due messages, three times as
    // many buffer reads per fetch as the head read whole.
    // Step affinity: first the messages a step of this worker left to it and those for any worker,
    // oldest first; then, if that leaves room in the batch, messages left to another worker
    // (sticky_to) that have been due for the affinity, so that a worker takes another's instances
    // only when it has time to spare.
    String lock =
        """
        WITH candidate AS MATERIALIZED (
          SELECT l.instance_id, m.id AS first, l.taken_over
          FROM (
            SELECT instance_id, id, visible_at FROM (
              SELECT DISTINCT ON (instance_id) instance_id, id, visible_at FROM (%2$s) h
              ORDER BY instance_id, visible_at, id) d
            ORDER BY visible_at, id) m
          CROSS JOIN LATERAL (
            SELECT i.instance_id, i.lock_token IS NOT NULL AS taken_over
            FROM %1$s.instances i
            WHERE i.instance_id = m.instance_id
              AND (i.locked_until IS NULL OR i.locked_until < now())
            FOR UPDATE OF i SKIP LOCKED) l
          LIMIT {size})
        UPDATE %1$s.instances i
        SET lock_token = ?, locked_until = now() + make_interval(secs => ?), locked_by = ?,
            dispatch_count = i.dispatch_count + 1
        FROM candidate c
        WHERE i.instance_id = c.instance_id
          AND i.instance_id = ANY (ARRAY(SELECT instance_id FROM candidate))
        RETURNING i.instance_id, i.name, i.version, i.status, i.execution_id, i.dispatch_count,
                  i.last_error, now(), c.first, c.taken_over""";
    lockOwn =
        lock.formatted(
            s,
            """
            SELECT instance_id, id, visible_at FROM (
              (SELECT instance_id, id, visible_at FROM %1$s.orchestrator_queue
               WHERE sticky_to = ? AND visible_at <= now() ORDER BY visible_at, id LIMIT 512)
              UNION ALL
              (SELECT instance_id, id, visible_at FROM %1$s.orchestrator_queue
               WHERE sticky_to IS NULL AND visible_at <= now() ORDER BY visible_at, id LIMIT 512)
            ) h"""
                .formatted(s));
    // Another worker's due messages, by worker: the workers that messages are left to (a walk of
    // the sticky index, one probe per worker), then each one's oldest messages due for the
    // affinity (an ordered scan of the same index), merged. Asked for all of them at once (due for
    // the affinity and not left to this worker), a generic plan cannot know how few are due and
    // scanned and sorted the whole queue: 1,044 pages, 6 ms, at almost every fetch of a worker
    // keeping up with 10,000 actors, 28% of the metadata database's time (docs/benchmarks.md).
    lockOthers =
        lock.formatted(
            s,
            """
            WITH RECURSIVE worker(id) AS (
              (SELECT sticky_to FROM %1$s.orchestrator_queue WHERE sticky_to IS NOT NULL
               ORDER BY sticky_to LIMIT 1)
              UNION ALL
              SELECT (SELECT q.sticky_to FROM %1$s.orchestrator_queue q WHERE q.sticky_to > w.id
                      ORDER BY q.sticky_to LIMIT 1)
              FROM worker w WHERE w.id IS NOT NULL)
            SELECT d.instance_id, d.id, d.visible_at FROM worker w
            CROSS JOIN LATERAL (
              SELECT instance_id, id, visible_at FROM %1$s.orchestrator_queue
              WHERE sticky_to = w.id AND visible_at <= now() - make_interval(secs => ?)
              ORDER BY visible_at, id LIMIT 512) d
            WHERE w.id IS NOT NULL AND w.id <> ?
            ORDER BY d.visible_at, d.id LIMIT 512"""
                .formatted(s));
    // In the order the messages became due, not the order they were written: a timer written
    // long ago but due now comes after an event raised before it was due.
    readMessages =
        """
        SELECT instance_id, id, execution_id, kind, data::text, data->>'reason'
        FROM %s.orchestrator_queue WHERE instance_id = ANY(?) AND visible_at <= now()
        ORDER BY instance_id, visible_at, id"""
            .formatted(s);
    readHistory =
        """
        SELECT h.instance_id, h.data::text FROM %1$s.history h
        JOIN %1$s.instances i ON i.instance_id = h.instance_id AND i.execution_id = h.execution_id
        WHERE h.instance_id = ANY(?) ORDER BY h.instance_id, h.seq"""
            .formatted(s);
    abandon =
        """
        UPDATE %s.instances SET lock_token = NULL, locked_by = NULL,
          locked_until = now() + make_interval(secs => ?), last_error = ?
        WHERE instance_id = ? AND lock_token = ?"""
            .formatted(s);
    // By key: the instances leased under the tokens are known. A scan of every instance for the
    // tokens locked each renewed row from the first one it found until the commit, 26 to 30 ms at
    // 20,000 instances, and every write fenced on those rows (and the commits) waited for it.
    renew =
        """
        WITH mine AS MATERIALIZED (
          SELECT instance_id FROM %1$s.instances
          WHERE instance_id = ANY(?) AND lock_token = ANY(?) FOR UPDATE SKIP LOCKED)
        UPDATE %1$s.instances x SET locked_until = now() + make_interval(secs => ?)
        FROM mine WHERE x.instance_id = mine.instance_id"""
            .formatted(s);
    held =
        """
        SELECT DISTINCT lock_token FROM %s.instances
        WHERE instance_id = ANY(?) AND lock_token = ANY(?)"""
            .formatted(s);
    // FOR SHARE, as the activity fence: a takeover (FOR UPDATE SKIP LOCKED) passes the instance by
    // until the caller commits.
    fence =
        """
        SELECT 1 FROM %s.instances
        WHERE instance_id = ? AND lock_token = ? AND locked_until > now() FOR SHARE"""
            .formatted(s);
    // The fence of many steps at once (LeaseFence.asMember): never waits, SKIP LOCKED.
    memberFence =
        """
        SELECT k.ord FROM unnest(?::text[], ?::text[]) WITH ORDINALITY AS k(instance_id, lock_token, ord)
        JOIN %s.instances i ON i.instance_id = k.instance_id AND i.lock_token = k.lock_token::uuid
        WHERE i.locked_until > now() FOR SHARE OF i SKIP LOCKED"""
            .formatted(s);
    // Everything that became visible after the fetch looked counts, not only what is still in the
    // future: a message that became visible between the fetch and this query would otherwise be
    // seen by neither, and the dispatcher would sleep past it. A message left to another worker
    // counts from when this worker may take it, the affinity after it is due: so a worker does not
    // spin on the due messages of another that keeps up with them.
    nextVisible =
        """
        SELECT least(
          (SELECT min(visible_at) FROM %1$s.orchestrator_queue
           WHERE sticky_to = ? AND visible_at > now() - make_interval(secs => ?)),
          (SELECT min(visible_at) FROM %1$s.orchestrator_queue
           WHERE sticky_to IS NULL AND visible_at > now() - make_interval(secs => ?)),
          (SELECT min(visible_at) + make_interval(secs => ?) FROM %1$s.orchestrator_queue
           WHERE visible_at > now() - make_interval(secs => ?) - make_interval(secs => ?)))"""
            .formatted(s);
  }

  /**
   * Leases up to {@code max} instances that have visible messages, oldest message first: those with
   * messages left to {@code workerId} or to any worker, then, if the batch has room, those with a
   * message a step of another worker left to it ({@code sticky_to}) that has been due for {@code
   * affinity}.
   */
  List<OrchestrationWorkItem> fetch(
      Connection c, String workerId, int max, Duration lease, Duration affinity)
      throws SQLException {
    UUID token = UUID.randomUUID();
    record Locked(
        String id,
        String name,
        String version,
        OrchestrationStatus status,
        int exec,
        int dispatchCount,
        String lastError,
        Instant now,
        long first,
        boolean takenOver) {}
    List<Locked> locked = new ArrayList<>();
    for (boolean others : new boolean[] {false, true}) {
      if (locked.size() >= max) {
        break;
      }
      int size = max - locked.size();
      String sql = lockSql(others, size);
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        int p = 1;
        if (others) {
          ps.setDouble(p++, affinity.toMillis() / 1000.0);
        }
        ps.setString(p++, workerId);
        ps.setObject(p++, token);
        ps.setDouble(p++, lease.toMillis() / 1000.0);
        ps.setString(p, workerId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            locked.add(
                new Locked(
                    rs.getString(1),
                    rs.getString(2),
                    rs.getString(3),
                    OrchestrationStatus.parse(rs.getString(4)),
                    rs.getInt(5),
                    rs.getInt(6),
                    rs.getString(7),
                    rs.getTimestamp(8).toInstant(),
                    rs.getLong(9),
                    rs.getBoolean(10)));
          }
        }
      }
    }
    if (locked.isEmpty()) {
      return List.of();
    }
    locked.sort(Comparator.comparingLong(Locked::first));
    Array ids = c.createArrayOf("text", locked.stream().map(Locked::id).toArray());
    Map<String, List<QueueMessage>> messages = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(readMessages)) {
      ps.setArray(1, ids);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          List<QueueMessage> forInstance =
              messages.computeIfAbsent(rs.getString(1), k -> new ArrayList<>());
          if (forInstance.size() < MAX_MESSAGES_PER_STEP) {
            forInstance.add(message(rs));
          }
        }
      }
    }
    Map<String, List<HistoryEvent>> histories = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(readHistory)) {
      ps.setArray(1, ids);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          histories
              .computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
              .add(Sql.event(rs.getString(1), rs.getString(2)));
        }
      }
    }
    List<OrchestrationWorkItem> items = new ArrayList<>(locked.size());
    for (Locked l : locked) {
      items.add(
          new OrchestrationWorkItem(
              l.id(),
              token,
              l.name(),
              l.version(),
              l.status(),
              l.exec(),
              histories.getOrDefault(l.id(), List.of()),
              messages.getOrDefault(l.id(), List.of()),
              l.dispatchCount(),
              l.lastError(),
              l.now(),
              l.takenOver()));
    }
    return items;
  }

  /** The statement that leases a batch of {@code size}: of others' messages, or of its own. */
  String lockSql(boolean others, int size) {
    return others
        ? lockOthersBySize.computeIfAbsent(size, n -> withSize(lockOthers, n))
        : lockOwnBySize.computeIfAbsent(size, n -> withSize(lockOwn, n));
  }

  private static String withSize(String lock, int size) {
    return lock.replace("{size}", Integer.toString(size));
  }

  private static QueueMessage message(ResultSet rs) throws SQLException {
    long id = rs.getLong(2);
    int exec = rs.getInt(3);
    Integer executionId = rs.wasNull() ? null : exec;
    QueueMessage.Kind kind = QueueMessage.Kind.valueOf(rs.getString(4));
    return switch (kind) {
      case EVENT ->
          new QueueMessage(
              id, executionId, kind, Sql.event(rs.getString(1), rs.getString(5)), null);
      case CANCEL -> new QueueMessage(id, executionId, kind, null, rs.getString(6));
      case WAKE -> new QueueMessage(id, executionId, kind, null, null);
    };
  }

  void abandon(Connection c, String instanceId, UUID token, String error, Duration delay)
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
  void discard(Connection c, OrchestrationWorkItem item) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(discard)) {
      ps.setArray(
          1, c.createArrayOf("bigint", item.messages().stream().map(QueueMessage::id).toArray()));
      ps.setString(2, item.instanceId());
      ps.setObject(3, item.lockToken());
      ps.executeUpdate();
    }
  }

  /**
   * Extends the leases of {@code instances} held under {@code tokens}; returns how many were
   * extended.
   */
  int renew(Connection c, Collection<String> instances, Collection<UUID> tokens, Duration lease)
      throws SQLException {
    if (tokens.isEmpty() || instances.isEmpty()) {
      return 0;
    }
    try (PreparedStatement ps = c.prepareStatement(renew)) {
      ps.setArray(1, c.createArrayOf("text", instances.toArray()));
      ps.setArray(2, c.createArrayOf("uuid", tokens.toArray()));
      ps.setDouble(3, lease.toMillis() / 1000.0);
      return ps.executeUpdate();
    }
  }

  /** Which of {@code tokens} one of {@code instances} is still leased under. */
  Set<UUID> held(Connection c, Collection<String> instances, Collection<UUID> tokens)
      throws SQLException {
    Set<UUID> out = new HashSet<>();
    if (tokens.isEmpty() || instances.isEmpty()) {
      return out;
    }
    try (PreparedStatement ps = c.prepareStatement(held)) {
      ps.setArray(1, c.createArrayOf("text", instances.toArray()));
      ps.setArray(2, c.createArrayOf("uuid", tokens.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getObject(1, UUID.class));
        }
      }
    }
    return out;
  }

  /**
   * When a message next becomes one {@code workerId} may fetch, counting every one that became so
   * since {@code sinceLooked} ago (see {@link #fetch} for the affinity).
   */
  Optional<Instant> nextVisibleAt(
      Connection c, String workerId, Duration affinity, Duration sinceLooked) throws SQLException {
    double since = Sql.seconds(sinceLooked);
    double after = Sql.seconds(affinity);
    return Sql.instantOf(c, nextVisible, workerId, since, since, after, since, after);
  }

  /** The fence's query: placeholders the instance's id and the step's lock token. */
  String fenceSql() {
    return fence;
  }

  String memberFenceSql() {
    return memberFence;
  }

  boolean holds(Connection c, String instanceId, UUID token) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(fence)) {
      ps.setString(1, instanceId);
      ps.setObject(2, token);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }
}
