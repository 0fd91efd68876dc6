package dev.toygres.engine;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.toygres.engine.client.DurableClient;
import dev.toygres.engine.internal.EmbeddedWatchdog;
import dev.toygres.engine.store.DatabaseTimeouts;
import dev.toygres.engine.store.DatabaseUrl;
import dev.toygres.engine.store.PostgresStore;
import dev.toygres.engine.worker.DurableWorker;
import dev.toygres.engine.worker.Registry;
import dev.toygres.engine.worker.WorkerOptions;
import dev.toygres.postgres.EmbeddedPostgres;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The engine's front door: a database (an external one, or an embedded PostgreSQL server kept in a
 * data directory), one connection pool, the migrated store, a client and, when a registry is given,
 * a worker. Close it to stop them all.
 */
public final class DurableEngine implements AutoCloseable {
  private final EmbeddedPostgres embedded;
  private final HikariDataSource pool;
  private final PostgresStore store;
  private final DurableClient client;
  private final DurableWorker worker;
  private final EmbeddedWatchdog watchdog;

  private DurableEngine(Builder b) {
    EmbeddedPostgres started = null;
    HikariDataSource ds = null;
    try {
      DatabaseUrl url;
      if (b.databaseUrl == null) {
        started = EmbeddedPostgres.start(b.dataDir.resolve("postgres"));
        if (!b.embeddedShutdownHook) {
          started.withoutShutdownHook();
        }
        url = new DatabaseUrl(started.jdbcUrl(), started.user(), started.password());
      } else {
        url = DatabaseUrl.parse(b.databaseUrl);
      }
      HikariConfig cfg = new HikariConfig();
      cfg.setJdbcUrl(url.jdbcUrl());
      if (url.user() != null) {
        cfg.setUsername(url.user());
      }
      if (url.password() != null) {
        cfg.setPassword(url.password());
      }
      applyTimeouts(cfg, b.timeouts);
      int needed =
          b.workerOptions.orchestrationDispatchers() + b.workerOptions.activityDispatchers() + 4;
      cfg.setMaximumPoolSize(Math.max(b.poolSize, needed));
      cfg.setPoolName("toygres-" + b.schema);
      if (b.meterRegistry != null) {
        cfg.setMetricRegistry(b.meterRegistry);
      }
      ds = new HikariDataSource(cfg);
      PostgresStore s = new PostgresStore(ds, b.schema);
      s.migrate();
      this.embedded = started;
      this.pool = ds;
      this.store = s;
      this.client = new DurableClient(s);
      this.worker = b.registry == null ? null : DurableWorker.start(s, b.registry, b.workerOptions);
      this.watchdog = started == null ? null : new EmbeddedWatchdog(started);
    } catch (RuntimeException e) {
      if (ds != null) {
        ds.close();
      }
      if (started != null) {
        started.close();
      }
      throw e;
    }
  }

  private static void applyTimeouts(HikariConfig cfg, DatabaseTimeouts t) {
    cfg.setConnectionTimeout(t.connect().toMillis());
    cfg.setValidationTimeout(Math.max(250, Math.min(t.connect().toMillis() - 100, 2000)));
    cfg.addDataSourceProperty("connectTimeout", Math.max(1, t.connect().toSeconds()));
    cfg.addDataSourceProperty("loginTimeout", Math.max(1, t.connect().toSeconds()));
    cfg.addDataSourceProperty("socketTimeout", Math.max(1, t.socket().toSeconds()));
    cfg.addDataSourceProperty("tcpKeepAlive", true);
    cfg.addDataSourceProperty(
        "options",
        "-c statement_timeout="
            + t.statement().toMillis()
            + " -c lock_timeout="
            + t.lock().toMillis()
            + " -c idle_in_transaction_session_timeout="
            + t.socket().multipliedBy(6).toMillis());
  }

  public static Builder builder() {
    return new Builder();
  }

  public DurableClient client() {
    return client;
  }

  /**
   * The migrated store the client and worker share: give it to {@link DurableWorker#start} for a
   * worker with other registrations or options, or to a new {@link DurableClient}.
   */
  public PostgresStore store() {
    return store;
  }

  /** The pool every part of this engine shares. */
  public HikariDataSource dataSource() {
    return pool;
  }

  /** The worker, or null if no registry was given. */
  public DurableWorker worker() {
    return worker;
  }

  /**
   * The metadata database as this engine sees it without a query: for an embedded server, whether
   * its postmaster runs or the watchdog is restarting it, and how often it was restarted; for an
   * external database, {@link DatabaseHealth.State#EXTERNAL} (check it with a query of your own,
   * bounded by the {@link DatabaseTimeouts}). Never blocks.
   */
  public DatabaseHealth databaseHealth() {
    return watchdog == null ? DatabaseHealth.external() : watchdog.health();
  }

  /**
   * The embedded server (for its port and pid), or null for an external database. Its watchdog
   * restarts it if its postmaster dies.
   */
  public EmbeddedPostgres embeddedPostgres() {
    return embedded;
  }

  /**
   * Stops the worker (gracefully), the pool, the embedded server's watchdog and the embedded
   * server, in that order.
   */
  @Override
  public void close() {
    try {
      if (worker != null) {
        worker.close();
      }
    } finally {
      try {
        pool.close();
      } finally {
        if (watchdog != null) {
          watchdog.close();
        }
        if (embedded != null) {
          embedded.close();
        }
      }
    }
  }

  /** Options for {@link DurableEngine}. */
  public static final class Builder {
    private String databaseUrl;
    private Path dataDir = Path.of(System.getProperty("user.home"), ".toygres");
    private String schema = PostgresStore.DEFAULT_SCHEMA;
    private Registry registry;
    private WorkerOptions workerOptions = WorkerOptions.defaults();
    private int poolSize = 16;
    private boolean embeddedShutdownHook = true;
    private DatabaseTimeouts timeouts = DatabaseTimeouts.defaults();
    private MeterRegistry meterRegistry;

    private Builder() {}

    /**
     * Where the connection pool records its metrics ({@code hikaricp_*}: connections active, idle,
     * pending, acquisition times), or null (the default) for none. The worker's own metrics are
     * asked for in its options ({@link WorkerOptions#withMeterRegistry}).
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = registry;
      return this;
    }

    /**
     * Whether the embedded server stops itself when the JVM exits (the default). Turn it off when
     * the caller closes this engine from its own shutdown hook, so the database outlives the
     * worker's graceful shutdown.
     */
    public Builder embeddedShutdownHook(boolean on) {
      this.embeddedShutdownHook = on;
      return this;
    }

    /** An external PostgreSQL (JDBC or libpq URL); null (the default) starts an embedded one. */
    public Builder databaseUrl(String url) {
      this.databaseUrl = url == null || url.isBlank() ? null : url;
      return this;
    }

    /** Where the embedded server keeps its data (in {@code <dataDir>/postgres}). */
    public Builder dataDir(Path dir) {
      this.dataDir = Objects.requireNonNull(dir, "dataDir");
      return this;
    }

    /** Connect, socket, statement and lock timeouts of every pooled connection. */
    public Builder timeouts(DatabaseTimeouts timeouts) {
      this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
      return this;
    }

    public Builder schema(String schema) {
      this.schema = Objects.requireNonNull(schema, "schema");
      return this;
    }

    /** Starts a worker with these registrations (none if never called). */
    public Builder registry(Registry registry) {
      this.registry = registry;
      return this;
    }

    public Builder workerOptions(WorkerOptions options) {
      this.workerOptions = Objects.requireNonNull(options, "workerOptions");
      return this;
    }

    public Builder poolSize(int size) {
      if (size < 2) {
        throw new IllegalArgumentException("pool size must be at least 2");
      }
      this.poolSize = size;
      return this;
    }

    public DurableEngine start() {
      return new DurableEngine(this);
    }
  }
}
