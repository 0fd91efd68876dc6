package dev.toygres.testkit;

import dev.toygres.engine.client.ExecutionInfo;
import dev.toygres.engine.client.HistoryRecord;
import dev.toygres.engine.client.InstanceInfo;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The instances a test touched, with their histories, as text for a failing test's log. */
final class HistoryReport {
  /** Most instances reported: a test that started thousands shows its most recent ones. */
  static final int MAX_INSTANCES = 40;

  /** Most executions reported per instance: an eternal actor shows its last ones. */
  static final int MAX_EXECUTIONS = 5;

  private HistoryReport() {}

  static String since(EngineFixture f, Instant since) {
    List<String> ids;
    int total;
    try {
      ids = touched(f, since);
      total = ids.size();
    } catch (RuntimeException | SQLException e) {
      return "(the instances of schema " + f.schema() + " could not be read: " + e + ")";
    }
    if (ids.isEmpty()) {
      return "no orchestration instance was created or updated in schema " + f.schema();
    }
    StringBuilder out =
        new StringBuilder()
            .append(total)
            .append(" orchestration instance(s) created or updated in schema ")
            .append(f.schema())
            .append(total > MAX_INSTANCES ? ", the last " + MAX_INSTANCES + " shown" : "")
            .append(":\n");
    for (String id : ids.subList(Math.max(0, total - MAX_INSTANCES), total)) {
      try {
        instance(f, id, out);
      } catch (RuntimeException e) {
        out.append("instance ").append(id).append(": could not be read: ").append(e).append('\n');
      }
    }
    return out.toString();
  }

  private static List<String> touched(EngineFixture f, Instant since) throws SQLException {
    String sql =
        """
        SELECT instance_id FROM (
          SELECT instance_id, updated_at AS at FROM {s}.instances WHERE updated_at >= ? OR created_at >= ?
          UNION ALL
          SELECT instance_id, max(created_at) FROM {s}.history WHERE created_at >= ? GROUP BY instance_id
        ) t GROUP BY instance_id ORDER BY max(at), instance_id"""
            .replace("{s}", f.schema());
    Timestamp t = Timestamp.from(since);
    List<String> ids = new ArrayList<>();
    try (Connection c = f.pool().getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setTimestamp(1, t);
      ps.setTimestamp(2, t);
      ps.setTimestamp(3, t);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
    }
    return ids;
  }

  private static void instance(EngineFixture f, String id, StringBuilder out) {
    InstanceInfo info = f.client().getInstance(id).orElse(null);
    out.append("\n== instance ").append(id);
    if (info == null) {
      out.append(" (deleted)\n");
      return;
    }
    out.append(" (")
        .append(info.name())
        .append(", ")
        .append(info.status())
        .append(info.customStatus() != null ? ", custom status " + info.customStatus() : "")
        .append(info.output() != null ? ", output " + info.output() : "")
        .append(info.failure() != null ? ", failure " + info.failure() : "")
        .append(")\n");
    List<ExecutionInfo> executions = f.client().listExecutions(id);
    if (executions.size() > MAX_EXECUTIONS) {
      out.append("   (")
          .append(executions.size() - MAX_EXECUTIONS)
          .append(" earlier executions not shown)\n");
      executions = executions.subList(executions.size() - MAX_EXECUTIONS, executions.size());
    }
    for (ExecutionInfo e : executions) {
      out.append("-- execution ").append(e.executionId()).append(" (").append(e.status());
      out.append("):\n");
      List<HistoryRecord> records = f.client().getHistory(id, e.executionId());
      out.append(HistoryReplayer.toJson(records.stream().map(HistoryRecord::event).toList()));
    }
  }
}
