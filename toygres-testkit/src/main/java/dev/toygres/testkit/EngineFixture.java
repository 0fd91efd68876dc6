package dev.toygres.testkit;

import com.zaxxer.hikari.HikariDataSource;
import dev.toygres.engine.client.DurableClient;
import dev.toygres.engine.store.PostgresStore;
import dev.toygres.engine.worker.DurableWorker;
import dev.toygres.engine.worker.Registry;
import dev.toygres.engine.worker.WorkerOptions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A fresh engine schema on the {@link TestDatabase}, migrated, with a store, a client and the
 * workers a test starts. {@link #close()} stops the workers, drops the schema and closes the pool.
 * A test that wants JUnit to manage it uses {@link EngineExtension}; one that needs a second,
 * short-lived schema opens one of these in try-with-resources.
 */
public final class EngineFixture implements TestEngine, AutoCloseable {
  /** The pool size of {@link #EngineFixture()}. */
  public static final int DEFAULT_POOL_SIZE = 24;

  private final HikariDataSource pool;
  private final PostgresStore store;
  private final DurableClient client;
  private final List<DurableWorker> workers = new ArrayList<>();

  /** A fresh schema with a pool of {@value #DEFAULT_POOL_SIZE} connections. */
  public EngineFixture() {
    this(DEFAULT_POOL_SIZE);
  }

  /** The smallest pool: migrations hold connections of their own while they run. */
  public static final int MIN_POOL_SIZE = 4;

  /**
   * A fresh schema with a pool of the given size (shared by the store and every worker started).
   *
   * @param poolSize the pool's maximum size, at least {@value #MIN_POOL_SIZE}
   * @throws IllegalArgumentException for a smaller pool, which could starve the migration
   */
  public EngineFixture(int poolSize) {
    if (poolSize < MIN_POOL_SIZE) {
      throw new IllegalArgumentException(
          "an engine fixture needs a pool of at least " + MIN_POOL_SIZE + ", not " + poolSize);
    }
    pool = TestDatabase.pool(poolSize);
    try {
      String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
      store = new PostgresStore(pool, schema);
      store.migrate();
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
    client = new DurableClient(store);
  }

  @Override
  public PostgresStore store() {
    return store;
  }

  @Override
  public DurableClient client() {
    return client;
  }

  @Override
  public HikariDataSource pool() {
    return pool;
  }

  @Override
  public String schema() {
    return store.schema();
  }

  /**
   * Worker options suited to tests: 200 ms poll, 5 s lease, 5 s shutdown, 16 concurrent activities.
   *
   * @return the options
   */
  public static WorkerOptions testOptions() {
    return WorkerOptions.defaults()
        .withPollInterval(Duration.ofMillis(200))
        .withLease(Duration.ofSeconds(5))
        .withShutdownTimeout(Duration.ofSeconds(5))
        .withMaxConcurrentActivities(16);
  }

  @Override
  public DurableWorker startWorker(Registry registry) {
    return startWorker(registry, testOptions());
  }

  @Override
  public synchronized DurableWorker startWorker(Registry registry, WorkerOptions options) {
    DurableWorker w = DurableWorker.start(store, registry, options);
    workers.add(w);
    return w;
  }

  @Override
  public void sql(String sql) {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql.replace("{s}", store.schema()));
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public long count(String sql) {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql.replace("{s}", store.schema()))) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The database server's clock, for {@link #historiesSince}: instance rows carry its times.
   *
   * @return the server's {@code clock_timestamp()}
   */
  public Instant databaseNow() {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT clock_timestamp()")) {
      rs.next();
      return rs.getTimestamp(1).toInstant();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A readable report of every instance created or updated in this schema at or after {@code
   * since}: its status and the history of each execution, one JSON event a line (the {@link
   * HistoryReplayer} format). What {@link EngineExtension} prints when a test fails.
   *
   * @param since a time of {@link #databaseNow()}
   * @return the report ("no orchestration instance ..." when none was touched)
   */
  public String historiesSince(Instant since) {
    return HistoryReport.since(this, since);
  }

  /** Stops the workers, drops the schema with everything in it, and closes the pool. */
  @Override
  public synchronized void close() {
    try {
      workers.forEach(DurableWorker::close);
      workers.clear();
      sql("DROP SCHEMA IF EXISTS {s} CASCADE");
    } finally {
      pool.close();
    }
  }
}
