package dev.toygres.engine.store.internal;

import dev.toygres.engine.FailureDetails;
import dev.toygres.engine.history.HistoryEvent;
import dev.toygres.engine.history.HistoryEvent.ActivityScheduled;
import dev.toygres.engine.history.HistoryEvent.DetachedStartCompleted;
import dev.toygres.engine.history.HistoryEvent.ParentRef;
import dev.toygres.engine.history.HistoryEvent.SubOrchestrationFailed;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Commits one orchestration step in the caller's transaction. */
final class StepWriter {
  private final InstanceWriter instances;
  private final String updateInstance;
  private final String deleteMessages;
  private final String endExecution;
  private final String insertActivity;
  private final String insertMessage;
  private final String dropPendingWork;

  StepWriter(String s, InstanceWriter instances) {
    this.instances = instances;
    updateInstance =
        """
        UPDATE %s.instances SET status = ?, execution_id = ?, version = coalesce(?, version),
          output = ?, error = ?::jsonb,
          custom_status = CASE WHEN ? THEN ? ELSE custom_status END,
          updated_at = now(), completed_at = CASE WHEN ? THEN now() ELSE NULL END,
          lock_token = NULL, locked_until = NULL, locked_by = NULL, dispatch_count = 0,
          last_error = NULL
        WHERE instance_id = ? AND lock_token = ?"""
            .formatted(s);
    deleteMessages = "DELETE FROM %s.orchestrator_queue WHERE id = ANY(?)".formatted(s);
    endExecution =
        """
        UPDATE %s.executions SET status = ?, output = ?, error = ?::jsonb, completed_at = now(),
          version = coalesce(?, version)
        WHERE instance_id = ? AND execution_id = ?"""
            .formatted(s);
    insertActivity =
        """
        INSERT INTO %s.activity_queue
          (instance_id, execution_id, task_id, name, input, attempt_timeout_ms)
        VALUES (?, ?, ?, ?, ?, ?)"""
            .formatted(s);
    insertMessage =
        """
        INSERT INTO %s.orchestrator_queue (instance_id, execution_id, kind, data, visible_at)
        VALUES (?, ?, ?, ?::jsonb, coalesce(?, now()))"""
            .formatted(s);
    dropPendingWork =
        """
        WITH a AS (DELETE FROM %1$s.activity_queue WHERE instance_id = ?
                   AND (locked_until IS NULL OR locked_until < now()))
        DELETE FROM %1$s.orchestrator_queue WHERE instance_id = ?"""
            .formatted(s);
  }

  /**
   * Writes the step; returns false, having written nothing, if the lease on the instance is no
   * longer held under the step's token.
   */
  boolean commit(Connection c, StepCommit step) throws SQLException {
    boolean ended = step.status().isTerminal();
    try (PreparedStatement ps = c.prepareStatement(updateInstance)) {
      ps.setString(1, step.status().dbName());
      ps.setInt(2, step.next() != null ? step.next().executionId() : step.executionId());
      ps.setString(3, step.next() != null ? step.next().version() : step.version());
      ps.setString(4, step.output());
      ps.setString(5, Sql.failureJson(step.failure()));
      ps.setBoolean(6, step.customStatusSet());
      ps.setString(7, step.customStatus());
      ps.setBoolean(8, ended);
      ps.setString(9, step.instanceId());
      ps.setObject(10, step.lockToken());
      if (ps.executeUpdate() != 1) {
        return false;
      }
    }
    instances.appendHistory(
        c, step.instanceId(), step.executionId(), step.firstSeq(), step.appended());
    if (!step.consumed().isEmpty()) {
      try (PreparedStatement ps = c.prepareStatement(deleteMessages)) {
        ps.setArray(1, c.createArrayOf("bigint", step.consumed().toArray()));
        ps.executeUpdate();
      }
    }
    if (ended || step.next() != null) {
      endExecution(c, step, ended);
    }
    if (ended) {
      try (PreparedStatement ps = c.prepareStatement(dropPendingWork)) {
        ps.setString(1, step.instanceId());
        ps.setString(2, step.instanceId());
        ps.executeUpdate();
      }
    }
    insertActivities(
        c, step.instanceId(), step.executionId(), step.activities(), step.activityTimeouts());
    List<OutboundMessage> messages = new ArrayList<>(step.messages());
    List<NewInstance> created = new ArrayList<>(step.newInstances());
    StepCommit.NextExecution n = step.next();
    if (n != null) {
      StepCommit.FirstStep first = n.firstStep();
      List<HistoryEvent> history = new ArrayList<>(n.initialHistory());
      if (first != null) {
        history.addAll(first.appended());
      }
      instances.startExecution(
          c,
          step.instanceId(),
          n.executionId(),
          n.name(),
          n.version(),
          n.input(),
          history,
          first == null);
      if (first != null) {
        insertActivities(
            c, step.instanceId(), n.executionId(), first.activities(), first.activityTimeouts());
        messages.addAll(first.messages());
        created.addAll(first.newInstances());
      }
    }
    for (NewInstance ni : created) {
      String existing = instances.create(c, ni, false);
      if (ni.startedBy() != null) {
        messages.add(startOutcome(ni, existing));
      }
    }
    insertMessages(c, messages);
    return true;
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

  private void insertActivities(
      Connection c,
      String instanceId,
      int executionId,
      List<ActivityScheduled> activities,
      Map<Integer, Duration> timeouts)
      throws SQLException {
    if (activities.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(insertActivity)) {
      for (ActivityScheduled a : activities) {
        ps.setString(1, instanceId);
        ps.setInt(2, executionId);
        ps.setInt(3, a.taskId());
        ps.setString(4, a.name());
        ps.setString(5, a.input());
        Duration timeout = timeouts.get(a.taskId());
        ps.setObject(6, timeout == null ? null : timeout.toMillis(), java.sql.Types.BIGINT);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** Inserts queue messages in one batch (nulls are skipped). */
  void insertMessages(Connection c, List<OutboundMessage> messages) throws SQLException {
    boolean any = false;
    try (PreparedStatement ps = c.prepareStatement(insertMessage)) {
      for (OutboundMessage o : messages) {
        if (o == null) {
          continue;
        }
        QueueMessage m = o.message();
        ps.setString(1, o.instanceId());
        ps.setObject(2, m.executionId());
        ps.setString(3, m.kind().name());
        ps.setString(4, Sql.messageJson(m));
        ps.setTimestamp(5, o.visibleAt() == null ? null : Timestamp.from(o.visibleAt()));
        ps.addBatch();
        any = true;
      }
      if (any) {
        ps.executeBatch();
      }
    }
  }
}
