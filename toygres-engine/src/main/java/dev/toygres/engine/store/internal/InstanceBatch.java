package dev.toygres.engine.store.internal;

import dev.toygres.engine.history.HistoryEvent.ExecutionStarted;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Creates many top-level instances of one orchestration in four set-based statements, whatever
 * their number: the rows {@link InstanceWriter#create} writes for a new id (instance, first
 * execution, its {@code ExecutionStarted}, a wake-up), one statement per table.
 */
public final class InstanceBatch {
  private final String insertInstances;
  private final String insertExecutions;
  private final String insertHistory;
  private final String insertWakes;

  public InstanceBatch(String s) {
    insertInstances =
        """
        INSERT INTO %s.instances (instance_id, name, version, status, execution_id)
        SELECT id, ?, ?, 'running', 1 FROM unnest(?::text[]) AS t(id)
        ON CONFLICT (instance_id) DO NOTHING RETURNING instance_id"""
            .formatted(s);
    insertExecutions =
        """
        INSERT INTO %s.executions (instance_id, execution_id, name, version, status, input)
        SELECT id, 1, ?, ?, 'running', input FROM unnest(?::text[], ?::text[]) AS t(id, input)"""
            .formatted(s);
    insertHistory =
        """
        INSERT INTO %s.history (instance_id, execution_id, seq, event_type, data)
        SELECT id, 1, 0, ?, data::jsonb FROM unnest(?::text[], ?::text[]) AS t(id, data)"""
            .formatted(s);
    insertWakes =
        """
        INSERT INTO %s.orchestrator_queue (instance_id, kind)
        SELECT id, 'WAKE' FROM unnest(?::text[]) AS t(id)"""
            .formatted(s);
  }

  /**
   * Creates an instance of {@code name} for each of {@code ids} (distinct), with the input at the
   * same position. Returns the ids that were already taken, in order; when there is one, the other
   * instances' rows are written but not their executions, and the caller must roll back.
   */
  public List<String> create(
      Connection c, String name, String version, List<String> ids, List<String> inputs)
      throws SQLException {
    Array idArray = c.createArrayOf("text", ids.toArray());
    Set<String> created = new HashSet<>();
    try (PreparedStatement ps = c.prepareStatement(insertInstances)) {
      ps.setString(1, name);
      ps.setString(2, version);
      ps.setArray(3, idArray);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          created.add(rs.getString(1));
        }
      }
    }
    if (created.size() < ids.size()) {
      List<String> taken = new ArrayList<>();
      ids.forEach(
          id -> {
            if (!created.contains(id)) {
              taken.add(id);
            }
          });
      return taken;
    }
    Array inputArray = c.createArrayOf("text", inputs.toArray());
    try (PreparedStatement ps = c.prepareStatement(insertExecutions)) {
      ps.setString(1, name);
      ps.setString(2, version);
      ps.setArray(3, idArray);
      ps.setArray(4, inputArray);
      ps.executeUpdate();
    }
    List<String> started = new ArrayList<>(ids.size());
    inputs.forEach(in -> started.add(Sql.eventJson(new ExecutionStarted(name, version, in, null))));
    try (PreparedStatement ps = c.prepareStatement(insertHistory)) {
      ps.setString(1, new ExecutionStarted(name, version, null, null).kind());
      ps.setArray(2, idArray);
      ps.setArray(3, c.createArrayOf("text", started.toArray()));
      ps.executeUpdate();
    }
    try (PreparedStatement ps = c.prepareStatement(insertWakes)) {
      ps.setArray(1, idArray);
      ps.executeUpdate();
    }
    return List.of();
  }
}
