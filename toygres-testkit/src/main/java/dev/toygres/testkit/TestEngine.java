package dev.toygres.testkit;

import com.zaxxer.hikari.HikariDataSource;
import dev.toygres.engine.client.DurableClient;
import dev.toygres.engine.store.PostgresStore;
import dev.toygres.engine.worker.DurableWorker;
import dev.toygres.engine.worker.Registry;
import dev.toygres.engine.worker.WorkerOptions;

/**
 * An engine under test: one engine schema on the {@link TestDatabase}, with its store, a client and
 * the workers a test starts. Implemented by {@link EngineFixture} (owned by the test) and {@link
 * EngineExtension} (owned by JUnit), so test helpers can take either.
 */
public interface TestEngine {
  /**
   * The store on this engine's schema (migrated).
   *
   * @return the store
   */
  PostgresStore store();

  /**
   * A client of this engine's schema.
   *
   * @return the client
   */
  DurableClient client();

  /**
   * The pool the store uses, for tests that read tables directly.
   *
   * @return the pool
   */
  HikariDataSource pool();

  /**
   * The engine schema's name ({@code t_} and twelve hex digits).
   *
   * @return the schema
   */
  String schema();

  /**
   * Starts a worker with {@link EngineFixture#testOptions()}; it is stopped when the engine is.
   *
   * @param registry the orchestrations and activities it runs
   * @return the running worker (a test may close it earlier)
   */
  DurableWorker startWorker(Registry registry);

  /**
   * Starts a worker with the given options; it is stopped when the engine is.
   *
   * @param registry the orchestrations and activities it runs
   * @param options the worker's options
   * @return the running worker (a test may close it earlier)
   */
  DurableWorker startWorker(Registry registry, WorkerOptions options);

  /**
   * Runs one SQL statement, with {@code {s}} replaced by the schema's name.
   *
   * @param sql the statement
   */
  void sql(String sql);

  /**
   * Runs a query whose first row's first column is a number, with {@code {s}} replaced by the
   * schema's name.
   *
   * @param sql the query, such as {@code SELECT count(*) FROM {s}.instances}
   * @return the number
   */
  long count(String sql);
}
