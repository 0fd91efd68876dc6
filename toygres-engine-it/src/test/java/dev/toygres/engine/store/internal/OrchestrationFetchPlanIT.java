package dev.toygres.engine.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.testkit.EngineExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The plans the orchestration fetch runs with once PostgreSQL caches a generic plan for it (from
 * the sixth execution of a prepared statement on): on a queue like a fleet's that keeps up, where
 * almost every message is a timer in the future left to a worker, neither of the fetch's two
 * statements reads the whole queue. The statement for another worker's messages did, at almost
 * every fetch of a worker keeping up (docs/benchmarks.md, 2026-12-03).
 */
class OrchestrationFetchPlanIT {
  @RegisterExtension final EngineExtension f = EngineExtension.perMethod();

  @Test
  void neitherFetchStatementScansTheWholeQueueInItsGenericPlan() throws SQLException {
    String schema = f.store().schema();
    try (Connection c = f.store().dataSource().getConnection();
        Statement st = c.createStatement()) {
      // 5,000 instances' next timers, due over the next 30 s and left to the worker that wrote
      // them, and a few messages due now for any worker.
      st.execute(
          ("INSERT INTO %s.orchestrator_queue (instance_id, kind, visible_at, sticky_to)"
                  + " SELECT 'i' || g, 'WAKE', now() + g * interval '6 ms', 'w1'"
                  + " FROM generate_series(1, 5000) g")
              .formatted(schema));
      st.execute(
          ("INSERT INTO %s.orchestrator_queue (instance_id, kind, visible_at)"
                  + " SELECT 'e' || g, 'WAKE', now() FROM generate_series(1, 5) g")
              .formatted(schema));
      st.execute("ANALYZE " + schema + ".orchestrator_queue");
      st.execute("SET plan_cache_mode = force_generic_plan");
      OrchestrationQueue queue = new OrchestrationQueue(schema);

      // the parameters in the order the fetch sets them
      st.execute("PREPARE own(text, uuid, float8, text) AS " + numbered(queue.lockSql(false, 32)));
      st.execute(
          "PREPARE others(float8, text, uuid, float8, text) AS "
              + numbered(queue.lockSql(true, 32)));

      assertThat(plan(st, "EXECUTE own('w2', gen_random_uuid(), 60, 'w2')"))
          .doesNotContain("Seq Scan on orchestrator_queue");
      assertThat(plan(st, "EXECUTE others(1.0, 'w2', gen_random_uuid(), 60, 'w2')"))
          .as("another worker's messages, found by worker through the sticky index")
          .doesNotContain("Seq Scan on orchestrator_queue")
          .contains("orchestrator_queue_sticky_idx");
    }
  }

  /** JDBC's {@code ?} placeholders as {@code $1, $2, ...}, for PREPARE. */
  private static String numbered(String sql) {
    StringBuilder out = new StringBuilder();
    int n = 0;
    for (char ch : sql.toCharArray()) {
      if (ch == '?') {
        out.append('$').append(++n);
      } else {
        out.append(ch);
      }
    }
    return out.toString();
  }

  private static String plan(Statement st, String execute) throws SQLException {
    StringBuilder plan = new StringBuilder();
    try (ResultSet rs = st.executeQuery("EXPLAIN " + execute)) {
      while (rs.next()) {
        plan.append(rs.getString(1)).append('\n');
      }
    }
    return plan.toString();
  }
}
