package dev.toygres.controlplane.cms;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** {@code instance_events}: written in the caller's transaction, read newest first. */
final class EventLog {
  void append(
      Connection c,
      UUID id,
      String type,
      String oldState,
      String newState,
      String message,
      String metadata)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            """
        INSERT INTO toygres_cms.instance_events (instance_id, event_type, old_state, new_state, message, metadata)
        VALUES (?, ?, ?, ?, ?, ?::jsonb)""")) {
      ps.setObject(1, id);
      ps.setString(2, type);
      ps.setString(3, oldState);
      ps.setString(4, newState);
      ps.setString(5, message);
      ps.setString(6, metadata);
      ps.executeUpdate();
    }
  }

  List<InstanceEvent> list(Connection c, UUID id, int limit) throws SQLException {
    List<InstanceEvent> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            """
        SELECT id, event_type, old_state, new_state, message, metadata::text, created_at
        FROM toygres_cms.instance_events WHERE instance_id = ? ORDER BY created_at DESC, id DESC LIMIT ?""")) {
      ps.setObject(1, id);
      ps.setInt(2, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(CmsRows.event(rs));
        }
      }
    }
    return out;
  }
}
