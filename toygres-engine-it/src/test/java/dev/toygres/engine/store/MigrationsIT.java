package dev.toygres.engine.store;

import static dev.toygres.engine.store.StoreKit.column;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.toygres.engine.client.DurableClient;
import dev.toygres.testkit.EngineFixture;
import dev.toygres.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/** Schema migrations: idempotent, safe when several processes migrate at once, one schema each. */
class MigrationsIT {
  private static final List<String> TABLES =
      List.of(
          "activity_queue",
          "executions",
          "flyway_schema_history",
          "history",
          "instances",
          "orchestrator_queue");

  private static List<String> rows(HikariDataSource pool, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static void execute(HikariDataSource pool, String sql) throws SQLException {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  @Test
  void migratingAnUpToDateSchemaAgainChangesNothing() {
    try (EngineFixture f = new EngineFixture(4)) {
      f.client().start("any", "kept", 1);
      List<String> before =
          column(
              f,
              "SELECT installed_rank || '/' || version || '/' || installed_on FROM {s}.flyway_schema_history ORDER BY 1");

      f.store().migrate();
      f.store().migrate();

      assertThat(
              column(
                  f,
                  "SELECT installed_rank || '/' || version || '/' || installed_on FROM {s}.flyway_schema_history ORDER BY 1"))
          .isEqualTo(before);
      assertThat(f.client().getInstance("kept")).isPresent();
      assertThat(f.count("SELECT count(*) FROM {s}.history")).isEqualTo(1);
    }
  }

  @Test
  void fourThreadsMigratingAFreshSchemaAtOnceAllSucceedAndApplyEachVersionOnce() throws Exception {
    String schema = "t_mig_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try (HikariDataSource pool = TestDatabase.pool(20)) {
      try {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          PostgresStore store = new PostgresStore(pool, schema);
          done.add(
              threads.submit(
                  () -> {
                    go.await();
                    store.migrate();
                    return null;
                  }));
        }
        go.countDown();
        for (Future<?> d : done) {
          d.get(60, TimeUnit.SECONDS); // rethrows a thread's failure
        }

        assertThat(
                rows(
                    pool,
                    "SELECT coalesce(version, '-') || ':' || count(*) FROM "
                        + schema
                        + ".flyway_schema_history WHERE success GROUP BY version ORDER BY version"))
            .contains("1:1")
            .allSatisfy(r -> assertThat(r).endsWith(":1"));
        assertThat(
                rows(
                    pool,
                    "SELECT count(*) FROM " + schema + ".flyway_schema_history WHERE NOT success"))
            .containsExactly("0");
        assertThat(
                rows(
                    pool,
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = '"
                        + schema
                        + "' ORDER BY table_name"))
            .containsExactlyElementsOf(TABLES);
        new DurableClient(new PostgresStore(pool, schema)).start("any", "works", 1);
      } finally {
        threads.shutdownNow();
        execute(pool, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }

  @Test
  void freshMigrationCreatesEveryTableAndTheNotifyTriggers() {
    try (EngineFixture f = new EngineFixture(4)) {
      assertThat(
              column(
                  f,
                  "SELECT table_name FROM information_schema.tables WHERE table_schema = '{s}' ORDER BY 1"))
          .containsExactlyElementsOf(TABLES);
      assertThat(
              column(
                  f,
                  "SELECT trigger_name FROM information_schema.triggers WHERE trigger_schema = '{s}' ORDER BY 1"))
          .containsExactly("activity_queue_notify", "orchestrator_queue_notify");
    }
  }

  @Test
  void aSchemaAtVersion2InUseMigratesToNotifyTriggersThatFireOnlyForReadyRows() throws Exception {
    String schema = "t_mig_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    try (HikariDataSource pool = TestDatabase.pool(4)) {
      try {
        Flyway.configure()
            .dataSource(pool)
            .schemas(schema)
            .defaultSchema(schema)
            .createSchemas(true)
            .table("flyway_schema_history")
            .locations("classpath:dev/toygres/engine/store/migration")
            .placeholders(Map.of("schema", schema))
            .target("2")
            .load()
            .migrate();
        new DurableClient(new PostgresStore(pool, schema)).start("any", "before-v3", 1);
        String triggers =
            "SELECT trigger_name || ' ' || action_orientation || ' ' || coalesce(action_condition, '-')"
                + " FROM information_schema.triggers WHERE trigger_schema = '"
                + schema
                + "' ORDER BY 1";
        assertThat(rows(pool, triggers))
            .containsExactly(
                "activity_queue_notify STATEMENT -", "orchestrator_queue_notify STATEMENT -");

        new PostgresStore(pool, schema).migrate();

        assertThat(
                rows(
                    pool,
                    "SELECT version FROM "
                        + schema
                        + ".flyway_schema_history WHERE success AND version IS NOT NULL ORDER BY 1"))
            .containsExactly("1", "2", "3", "4");
        assertThat(rows(pool, triggers))
            .containsExactly(
                "activity_queue_notify ROW (new.visible_at <= now())",
                "orchestrator_queue_notify ROW (new.visible_at <= now())");
        assertThat(
                rows(
                    pool,
                    "SELECT kind || ' for ' || coalesce(sticky_to, 'any worker') FROM "
                        + schema
                        + ".orchestrator_queue WHERE instance_id = 'before-v3'"))
            .as("a message queued before step affinity (version 4) is for any worker")
            .containsExactly("WAKE for any worker");
      } finally {
        execute(pool, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }

  @Test
  void storesOnDifferentSchemasOfOneDatabaseDoNotSeeEachOther() {
    try (EngineFixture a = new EngineFixture(4);
        EngineFixture b = new EngineFixture(4)) {
      a.client().start("any", "shared-id", "in a");
      b.client().start("any", "shared-id", "in b");

      assertThat(a.client().getHistory("shared-id")).hasSize(1);
      assertThat(a.count("SELECT count(*) FROM {s}.instances")).isEqualTo(1);
      assertThat(
              StoreKit.text(b, "SELECT input FROM {s}.executions WHERE instance_id = 'shared-id'"))
          .isEqualTo("\"in b\"");
      assertThat(
              StoreKit.text(a, "SELECT input FROM {s}.executions WHERE instance_id = 'shared-id'"))
          .isEqualTo("\"in a\"");
    }
  }
}
