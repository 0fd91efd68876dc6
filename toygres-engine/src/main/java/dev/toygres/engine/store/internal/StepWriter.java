package dev.toygres.engine.store.internal;

import dev.toygres.engine.FailureDetails;
import dev.toygres.engine.history.HistoryEvent;
import dev.toygres.engine.history.HistoryEvent.ActivityScheduled;
import dev.toygres.engine.history.HistoryEvent.DetachedStartCompleted;
import dev.toygres.engine.history.HistoryEvent.ParentRef;
import dev.toygres.engine.history.HistoryEvent.SubOrchestrationFailed;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Commits orchestration steps in the caller's transaction. The steps of a batch are written with
 * set-based statements (one update of their instances, one insert of their history, one delete of
 * their consumed messages, one insert of their timers and messages, ...), whatever their number;
 * the rarer parts (an execution that ends, a continue-as-new that keeps the ended execution, new
 * instances) are written step by step.
 */
final class StepWriter {
  private final InstanceWriter instances;
  private final String lockInstances;
  private final String updateInstances;
  private final String deleteMessages;
  private final String endExecution;
  private final String insertActivities;
  private final String insertMessages;
  private final String dropPendingWork;
  private final String insertHistory;
  private final String deleteHistories;
  private final String replaceExecutions;

  StepWriter(String s, InstanceWriter instances) {
    this.instances = instances;
    lockInstances =
        """
        SELECT instance_id, lock_token, locked_by FROM %s.instances WHERE instance_id = ANY(?)
        ORDER BY instance_id FOR UPDATE"""
            .formatted(s);
    updateInstances =
        """
        UPDATE %s.instances i SET status = u.status, execution_id = u.execution_id,
          version = coalesce(u.version, i.version), output = u.output, error = u.error::jsonb,
          custom_status = CASE WHEN u.status_set THEN u.custom_status ELSE i.custom_status END,
          updated_at = now(), completed_at = CASE WHEN u.ended THEN now() ELSE NULL END,
          lock_token = NULL, locked_until = NULL, locked_by = NULL, dispatch_count = 0,
          last_error = NULL
        FROM unnest(?::text[], ?::text[], ?::text[], ?::int[], ?::text[], ?::text[], ?::text[],
                    ?::bool[], ?::text[], ?::bool[])
          AS u(instance_id, lock_token, status, execution_id, version, output, error, status_set,
               custom_status, ended)
        WHERE i.instance_id = u.instance_id AND i.lock_token = u.lock_token::uuid
        RETURNING i.instance_id"""
            .formatted(s);
    deleteMessages = "DELETE FROM %s.orchestrator_queue WHERE id = ANY(?)".formatted(s);
    endExecution =
        """
        UPDATE %s.executions SET status = ?, output = ?, error = ?::jsonb, completed_at = now(),
          version = coalesce(?, version)
        WHERE instance_id = ? AND execution_id = ?"""
            .formatted(s);
    insertActivities =
        """
        INSERT INTO %s.activity_queue
          (instance_id, execution_id, task_id, name, input, attempt_timeout_ms)
        SELECT * FROM unnest(?::text[], ?::int[], ?::int[], ?::text[], ?::text[], ?::bigint[])"""
            .formatted(s);
    insertMessages =
        """
        INSERT INTO %s.orchestrator_queue
          (instance_id, execution_id, kind, data, visible_at, sticky_to)
        SELECT m.i, m.e, m.k, m.d::jsonb, coalesce(m.v::timestamptz, now()), m.s
        FROM unnest(?::text[], ?::int[], ?::text[], ?::text[], ?::text[], ?::text[])
          AS m(i, e, k, d, v, s)"""
            .formatted(s);
    dropPendingWork =
        """
        WITH a AS (DELETE FROM %1$s.activity_queue WHERE instance_id = ?
                   AND (locked_until IS NULL OR locked_until < now()))
        DELETE FROM %1$s.orchestrator_queue WHERE instance_id = ?"""
            .formatted(s);
    insertHistory =
        """
        INSERT INTO %s.history (instance_id, execution_id, seq, event_type, data)
        SELECT h.i, h.e, h.q, h.t, h.d::jsonb
        FROM unnest(?::text[], ?::int[], ?::int[], ?::text[], ?::text[]) AS h(i, e, q, t, d)"""
            .formatted(s);
    deleteHistories =
        """
        DELETE FROM %s.history h USING unnest(?::text[], ?::int[]) AS d(i, e)
        WHERE h.instance_id = d.i AND h.execution_id = d.e"""
            .formatted(s);
    replaceExecutions =
        """
        UPDATE %s.executions x SET execution_id = r.next, name = r.name, version = r.version,
          status = 'running', input = r.input, output = NULL, error = NULL, started_at = now(),
          completed_at = NULL
        FROM unnest(?::text[], ?::int[], ?::int[], ?::text[], ?::text[], ?::text[])
          AS r(instance_id, ended, next, name, version, input)
        WHERE x.instance_id = r.instance_id AND x.execution_id = r.ended
        RETURNING x.instance_id"""
            .formatted(s);
  }

  /**
   * Writes the steps (of distinct instances); returns, per step, whether it was written: a step
   * whose lease on its instance is no longer held under its token writes nothing.
   */
  boolean[] commit(Connection c, List<StepCommit> steps) throws SQLException {
    boolean[] written = new boolean[steps.size()];
    Map<String, String> leasedBy = new HashMap<>();
    Set<String> updated = updateInstances(c, steps, leasedBy);
    List<StepCommit> w = new ArrayList<>(steps.size());
    for (int i = 0; i < written.length; i++) {
      written[i] = updated.contains(steps.get(i).instanceId());
      if (written[i]) {
        w.add(steps.get(i));
      }
    }
    if (w.isEmpty()) {
      return written;
    }
    Rows history = new Rows();
    List<Long> consumed = new ArrayList<>();
    List<StepCommit> inPlace = new ArrayList<>();
    for (StepCommit step : w) {
      StepCommit.NextExecution n = step.next();
      boolean ended = step.status().isTerminal();
      if (n != null && n.inPlace()) {
        // In place, the ended execution's history is deleted with the commit: its last events are
        // not worth writing.
        inPlace.add(step);
      } else {
        history.events(step.instanceId(), step.executionId(), step.firstSeq(), step.appended());
      }
      consumed.addAll(step.consumed());
      if (ended || (n != null && !n.inPlace())) {
        endExecution(c, step, ended);
      }
      if (ended) {
        try (PreparedStatement ps = c.prepareStatement(dropPendingWork)) {
          ps.setString(1, step.instanceId());
          ps.setString(2, step.instanceId());
          ps.executeUpdate();
        }
      }
    }
    if (!consumed.isEmpty()) {
      try (PreparedStatement ps = c.prepareStatement(deleteMessages)) {
        ps.setArray(1, c.createArrayOf("bigint", consumed.toArray()));
        ps.executeUpdate();
      }
    }
    Set<String> replaced = replaceExecutions(c, inPlace);
    Rows activities = new Rows();
    List<OutboundMessage> messages = new ArrayList<>();
    List<NewInstance> created = new ArrayList<>();
    for (StepCommit step : w) {
      activities.activities(
          step.instanceId(), step.executionId(), step.activities(), step.activityTimeouts());
      messages.addAll(step.messages());
      created.addAll(step.newInstances());
      StepCommit.NextExecution n = step.next();
      if (n == null) {
        continue;
      }
      StepCommit.FirstStep first = n.firstStep();
      List<HistoryEvent> initial = new ArrayList<>(n.initialHistory());
      if (first != null) {
        initial.addAll(first.appended());
        activities.activities(
            step.instanceId(), n.executionId(), first.activities(), first.activityTimeouts());
        messages.addAll(first.messages());
        created.addAll(first.newInstances());
      }
      if (replaced.contains(step.instanceId())) {
        history.events(step.instanceId(), n.executionId(), 0, initial);
        if (first == null) {
          messages.add(new OutboundMessage(step.instanceId(), QueueMessage.wake(), null));
        }
      } else {
        // Kept beside the ended one, or in place of an execution whose row was purged meanwhile.
        instances.startExecution(
            c,
            step.instanceId(),
            n.executionId(),
            n.name(),
            n.version(),
            n.input(),
            initial,
            first == null);
      }
    }
    deleteHistories(c, inPlace);
    history.run(c, insertHistory);
    activities.run(c, insertActivities);
    for (NewInstance ni : created) {
      String existing = instances.create(c, ni, false);
      if (ni.startedBy() != null) {
        messages.add(startOutcome(ni, existing));
      }
    }
    insertMessages(c, messages, leasedBy);
    return written;
  }

  /**
   * Updates the leased instances of {@code steps}; returns the ids of those updated. Puts in {@code
   * leasedBy} the worker that holds each of those leases, whose step this is.
   */
  private Set<String> updateInstances(
      Connection c, List<StepCommit> steps, Map<String, String> leasedBy) throws SQLException {
    Map<String, String> tokens = new HashMap<>();
    Rows rows = new Rows();
    for (StepCommit step : steps) {
      StepCommit.NextExecution n = step.next();
      tokens.put(step.instanceId(), step.lockToken().toString());
      rows.add(
          step.instanceId(),
          step.lockToken().toString(),
          step.status().dbName(),
          n != null ? n.executionId() : step.executionId(),
          n != null ? n.version() : step.version(),
          step.output(),
          Sql.failureJson(step.failure()),
          step.customStatusSet(),
          step.customStatus(),
          step.status().isTerminal());
    }
    // Locked first, in a statement of their own: the update then reads the rows as the lease
    // keeper's renewal (which may have just committed) left them. Left to a recheck of its join
    // with the arrays instead, the update was seen to miss rows that a renewal had updated
    // meanwhile, and so to refuse steps whose lease was held (StepCommitAtomicityIT).
    try (PreparedStatement ps = c.prepareStatement(lockInstances)) {
      ps.setArray(1, c.createArrayOf("text", steps.stream().map(StepCommit::instanceId).toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String id = rs.getString(1);
          if (rs.getString(3) != null && rs.getString(2).equals(tokens.get(id))) {
            leasedBy.put(id, rs.getString(3));
          }
        }
      }
    }
    Set<String> updated = rows.returning(c, updateInstances);
    leasedBy.keySet().retainAll(updated);
    return updated;
  }

  /**
   * Gives the next executions of continue-as-new in place the rows of the executions they end;
   * returns the ids of the instances whose row was replaced.
   */
  private Set<String> replaceExecutions(Connection c, List<StepCommit> steps) throws SQLException {
    Rows rows = new Rows();
    for (StepCommit step : steps) {
      StepCommit.NextExecution n = step.next();
      rows.add(
          step.instanceId(), step.executionId(), n.executionId(), n.name(), n.version(), n.input());
    }
    return rows.returning(c, replaceExecutions);
  }

  /** Deletes the history of the executions that {@code steps} replace in place. */
  private void deleteHistories(Connection c, List<StepCommit> steps) throws SQLException {
    Rows rows = new Rows();
    for (StepCommit step : steps) {
      rows.add(step.instanceId(), step.executionId());
    }
    rows.run(c, deleteHistories);
  }

  private void endExecution(Connection c, StepCommit step, boolean ended) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(endExecution)) {
      ps.setString(1, ended ? step.status().dbName() : "continued_as_new");
      ps.setString(2, ended ? step.output() : null);
      ps.setString(3, ended ? Sql.failureJson(step.failure()) : null);
      ps.setString(4, step.version());
      ps.setString(5, step.instanceId());
      ps.setInt(6, step.executionId());
      ps.executeUpdate();
    }
  }

  private static OutboundMessage startOutcome(NewInstance n, String existing) {
    ParentRef by = n.startedBy();
    FailureDetails failure =
        existing == null
            ? null
            : FailureDetails.of(
                "OrchestrationAlreadyExists",
                "an instance with id '"
                    + n.instanceId()
                    + "' already exists (status "
                    + existing
                    + ")");
    QueueMessage m;
    if (n.parent() != null) {
      if (failure == null) {
        return null;
      }
      m = QueueMessage.event(by.executionId(), new SubOrchestrationFailed(by.taskId(), failure));
    } else {
      m = QueueMessage.event(by.executionId(), new DetachedStartCompleted(by.taskId(), failure));
    }
    return new OutboundMessage(by.instanceId(), m, null);
  }

  /** Inserts queue messages with one statement (nulls are skipped), for any worker. */
  void insertMessages(Connection c, List<OutboundMessage> messages) throws SQLException {
    insertMessages(c, messages, Map.of());
  }

  /**
   * Inserts queue messages with one statement (nulls are skipped). A message for an instance in
   * {@code stepBy} (one whose step this commit writes) is left to the worker that ran the step
   * (sticky_to, see {@link OrchestrationQueue#fetch}); the others are for any worker.
   */
  private void insertMessages(
      Connection c, List<OutboundMessage> messages, Map<String, String> stepBy)
      throws SQLException {
    Rows rows = new Rows();
    for (OutboundMessage o : messages) {
      if (o != null) {
        QueueMessage m = o.message();
        rows.add(
            o.instanceId(),
            m.executionId(),
            m.kind().name(),
            Sql.messageJson(m),
            o.visibleAt() == null ? null : o.visibleAt().toString(),
            stepBy.get(o.instanceId()));
      }
    }
    rows.run(c, insertMessages);
  }

  /**
   * Rows for one set-based statement, column by column: the statement takes one array per column
   * and reads them with {@code unnest}.
   */
  private static final class Rows {
    private final List<List<Object>> columns = new ArrayList<>();
    private int size;

    void add(Object... row) {
      if (columns.isEmpty()) {
        for (int i = 0; i < row.length; i++) {
          columns.add(new ArrayList<>());
        }
      }
      for (int i = 0; i < row.length; i++) {
        columns.get(i).add(row[i]);
      }
      size++;
    }

    void events(String instanceId, int executionId, int firstSeq, List<HistoryEvent> events) {
      int seq = firstSeq;
      for (HistoryEvent e : events) {
        add(instanceId, executionId, seq++, e.kind(), Sql.eventJson(e));
      }
    }

    void activities(
        String instanceId,
        int executionId,
        List<ActivityScheduled> calls,
        Map<Integer, Duration> timeouts) {
      for (ActivityScheduled a : calls) {
        Duration timeout = timeouts.get(a.taskId());
        add(
            instanceId,
            executionId,
            a.taskId(),
            a.name(),
            a.input(),
            timeout == null ? null : timeout.toMillis());
      }
    }

    /** Runs {@code sql}, whose parameters are the columns' arrays in order (nothing if no rows). */
    void run(Connection c, String sql) throws SQLException {
      if (size == 0) {
        return;
      }
      try (PreparedStatement ps = prepare(c, sql)) {
        ps.executeUpdate();
      }
    }

    /** Runs {@code sql} as {@link #run} does; returns the first column of the rows it returns. */
    Set<String> returning(Connection c, String sql) throws SQLException {
      Set<String> returned = new HashSet<>();
      if (size == 0) {
        return returned;
      }
      try (PreparedStatement ps = prepare(c, sql);
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          returned.add(rs.getString(1));
        }
      }
      return returned;
    }

    private PreparedStatement prepare(Connection c, String sql) throws SQLException {
      PreparedStatement ps = c.prepareStatement(sql);
      try {
        for (int i = 0; i < columns.size(); i++) {
          List<Object> column = columns.get(i);
          ps.setArray(i + 1, c.createArrayOf(arrayType(column), column.toArray()));
        }
        return ps;
      } catch (SQLException | RuntimeException e) {
        ps.close();
        throw e;
      }
    }

    /** The array type of a column, by its first value that is not null (text if none is). */
    private static String arrayType(List<Object> column) {
      for (Object v : column) {
        if (v instanceof Integer) {
          return "int4";
        }
        if (v instanceof Long) {
          return "int8";
        }
        if (v instanceof Boolean) {
          return "bool";
        }
        if (v != null) {
          return "text";
        }
      }
      return "text";
    }
  }
}
