package dev.toygres.engine.client.internal;

import dev.toygres.engine.FailureDetails;
import dev.toygres.engine.history.HistoryEvent;
import dev.toygres.engine.history.HistoryEvent.ExecutionCancelled;
import dev.toygres.engine.history.HistoryEvent.OrchestratorStarted;
import dev.toygres.engine.store.internal.InstanceWriter;
import dev.toygres.engine.store.internal.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * Ends a running instance at once, without a worker: for an instance whose work is stuck (held
 * under the lease of a dead worker, say), which a cancel request would only reach after the lease
 * expires. The lease is revoked with the rest, so a late commit by the old holder is refused.
 */
final class Terminator {
  private final InstanceWriter instances;
  private final String lock;
  private final String nextSeq;
  private final String end;
  private final String endExecution;
  private final String dropWork;

  Terminator(String s, InstanceWriter instances) {
    this.instances = instances;
    lock =
        "SELECT status, execution_id FROM %s.instances WHERE instance_id = ? FOR UPDATE"
            .formatted(s);
    nextSeq =
        "SELECT coalesce(max(seq), -1) + 1 FROM %s.history WHERE instance_id = ? AND execution_id = ?"
            .formatted(s);
    end =
        """
        UPDATE %s.instances SET status = 'cancelled', error = ?::jsonb, completed_at = now(),
          updated_at = now(), lock_token = NULL, locked_until = NULL, locked_by = NULL, dispatch_count = 0
        WHERE instance_id = ?"""
            .formatted(s);
    endExecution =
        """
        UPDATE %s.executions SET status = 'cancelled', error = ?::jsonb, completed_at = now()
        WHERE instance_id = ? AND execution_id = ?"""
            .formatted(s);
    dropWork =
        """
        WITH a AS (DELETE FROM %1$s.activity_queue WHERE instance_id = ?)
        DELETE FROM %1$s.orchestrator_queue WHERE instance_id = ?"""
            .formatted(s);
  }

  /**
   * Returns the instance's status before, or null if it does not exist; ends it only if running.
   */
  String terminate(Connection c, String instanceId, String reason) throws SQLException {
    String status;
    int execution;
    try (PreparedStatement ps = c.prepareStatement(lock)) {
      ps.setString(1, instanceId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        status = rs.getString(1);
        execution = rs.getInt(2);
      }
    }
    if (!"running".equals(status)) {
      return status;
    }
    int seq;
    try (PreparedStatement ps = c.prepareStatement(nextSeq)) {
      ps.setString(1, instanceId);
      ps.setInt(2, execution);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        seq = rs.getInt(1);
      }
    }
    List<HistoryEvent> events =
        List.of(new OrchestratorStarted(Instant.now()), new ExecutionCancelled(reason));
    instances.appendHistory(c, instanceId, execution, seq, events);
    String error = Sql.failureJson(FailureDetails.of("OrchestrationTerminated", reason));
    try (PreparedStatement ps = c.prepareStatement(end)) {
      ps.setString(1, error);
      ps.setString(2, instanceId);
      ps.executeUpdate();
    }
    try (PreparedStatement ps = c.prepareStatement(endExecution)) {
      ps.setString(1, error);
      ps.setString(2, instanceId);
      ps.setInt(3, execution);
      ps.executeUpdate();
    }
    try (PreparedStatement ps = c.prepareStatement(dropWork)) {
      ps.setString(1, instanceId);
      ps.setString(2, instanceId);
      ps.executeUpdate();
    }
    return status;
  }
}
