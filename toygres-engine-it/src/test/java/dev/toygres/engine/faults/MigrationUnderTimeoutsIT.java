package dev.toygres.engine.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.toygres.engine.DurableEngine;
import dev.toygres.engine.store.DatabaseTimeouts;
import dev.toygres.testkit.TestDatabase;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Migrations under the database timeouts: a process waiting for another's migration is not cut off
 * by its socket or statement timeout, and the pool's connections get their timeouts back.
 */
class MigrationUnderTimeoutsIT {
  private static final DatabaseTimeouts SHORT =
      new DatabaseTimeouts(
          Duration.ofSeconds(1),
          Duration.ofSeconds(2),
          Duration.ofSeconds(1),
          Duration.ofSeconds(1));

  private final String schema = "mig_" + UUID.randomUUID().toString().substring(0, 8);
  private final HikariDataSource admin = TestDatabase.pool(2);
  private final List<DurableEngine> engines = new ArrayList<>();
  private final ExecutorService threads = Executors.newFixedThreadPool(2);

  @AfterEach
  void cleanUp() throws Exception {
    threads.shutdownNow();
    threads.awaitTermination(30, TimeUnit.SECONDS);
    engines.forEach(DurableEngine::close);
    try (Connection c = admin.getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } finally {
      admin.close();
    }
  }

  private DurableEngine engine() {
    String base = TestDatabase.jdbcUrl();
    String url =
        base
            + (base.contains("?") ? "&" : "?")
            + "user="
            + URLEncoder.encode(TestDatabase.user(), StandardCharsets.UTF_8)
            + "&password="
            + URLEncoder.encode(TestDatabase.password(), StandardCharsets.UTF_8);
    DurableEngine e =
        DurableEngine.builder().databaseUrl(url).schema(schema).timeouts(SHORT).poolSize(4).start();
    synchronized (engines) {
      engines.add(e);
    }
    return e;
  }

  @Test
  void twoEnginesMigratingTheSameDatabaseConcurrentlyBothStart() throws Exception {
    Future<DurableEngine> a = threads.submit(this::engine);
    Future<DurableEngine> b = threads.submit(this::engine);

    assertThat(a.get(60, TimeUnit.SECONDS).client()).isNotNull();
    assertThat(b.get(60, TimeUnit.SECONDS).client()).isNotNull();
    assertThat(versionsApplied())
        .as("each version applied once")
        .startsWith("1")
        .doesNotHaveDuplicates();
  }

  @Test
  void engineWaitsForAnotherProcesssMigrationLongerThanItsSocketTimeoutThenStarts()
      throws Exception {
    try (Connection other = admin.getConnection()) {
      lock(other, "pg_advisory_lock");
      Future<DurableEngine> waiting = threads.submit(this::engine);
      Thread.sleep(SHORT.socket().multipliedBy(2).toMillis());
      assertThat(waiting.isDone())
          .as("the engine waits while another process holds the migration lock")
          .isFalse();
      lock(other, "pg_advisory_unlock");

      assertThat(waiting.get(60, TimeUnit.SECONDS).client()).isNotNull();
    }
    assertThat(versionsApplied())
        .as("each version applied once")
        .startsWith("1")
        .doesNotHaveDuplicates();
  }

  @Test
  void pooledConnectionsKeepTheirStatementTimeoutAfterTheMigration() throws Exception {
    DurableEngine e = engine();
    HikariDataSource pool = e.dataSource();
    List<Connection> all = new ArrayList<>();
    try {
      int total = Math.max(1, pool.getHikariPoolMXBean().getTotalConnections());
      for (int i = 0; i < total; i++) {
        all.add(pool.getConnection());
      }
      for (Connection c : all) {
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SHOW statement_timeout")) {
          rs.next();
          assertThat(rs.getString(1)).isEqualTo("1s");
        }
        assertThat(c.getNetworkTimeout()).isEqualTo((int) SHORT.socket().toMillis());
      }
    } finally {
      for (Connection c : all) {
        c.close();
      }
    }
  }

  private void lock(Connection c, String function) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + function + "(hashtext(?))")) {
      ps.setString(1, "toygres-migrate:" + schema);
      ps.execute();
    }
  }

  private List<String> versionsApplied() throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = admin.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT version FROM "
                    + schema
                    + ".flyway_schema_history WHERE version IS NOT NULL ORDER BY installed_rank")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
