package dev.toygres.engine.testkit;

import com.zaxxer.hikari.HikariDataSource;
import dev.toygres.engine.client.DurableClient;
import dev.toygres.engine.store.PostgresStore;
import dev.toygres.engine.worker.DurableWorker;
import dev.toygres.engine.worker.Registry;
import dev.toygres.engine.worker.WorkerOptions;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A fresh engine schema on the test database, with a store, a client and workers started on demand.
 * Closing it stops the workers and drops the schema.
 */
public final class EngineFixture implements AutoCloseable {
  private final HikariDataSource pool;
  private final PostgresStore store;
  private final DurableClient client;
  private final List<DurableWorker> workers = new ArrayList<>();

  public EngineFixture() {
    this(24);
  }

  public EngineFixture(int poolSize) {
    pool = TestDatabase.pool(poolSize);
    String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    store = new PostgresStore(pool, schema);
    store.migrate();
    client = new DurableClient(store);
  }

  public PostgresStore store() {
    return store;
  }

  public DurableClient client() {
    return client;
  }

  public HikariDataSource pool() {
    return pool;
  }

  public String schema() {
    return store.schema();
  }

  /** Options suited to tests: short poll and lease, quick shutdown. */
  public static WorkerOptions testOptions() {
    return WorkerOptions.defaults()
        .withPollInterval(Duration.ofMillis(200))
        .withLease(Duration.ofSeconds(5))
        .withShutdownTimeout(Duration.ofSeconds(5))
        .withMaxConcurrentActivities(16);
  }

  public DurableWorker startWorker(Registry registry) {
    return startWorker(registry, testOptions());
  }

  public DurableWorker startWorker(Registry registry, WorkerOptions options) {
    DurableWorker w = DurableWorker.start(store, registry, options);
    workers.add(w);
    return w;
  }

  /** Runs SQL in the fixture's schema (search_path set), for tests that inspect tables. */
  public void sql(String sql) {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql.replace("{s}", store.schema()));
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public long count(String sql) {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement();
        var rs = s.executeQuery(sql.replace("{s}", store.schema()))) {
      rs.next();
      return rs.getLong(1);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    workers.forEach(DurableWorker::close);
    workers.clear();
    try {
      sql("DROP SCHEMA IF EXISTS {s} CASCADE");
    } finally {
      pool.close();
    }
  }
}
