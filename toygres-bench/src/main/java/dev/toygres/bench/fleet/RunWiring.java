package dev.toygres.bench.fleet;

import dev.toygres.controlplane.actor.ActorService;
import dev.toygres.controlplane.actor.ActorSupervisor;
import dev.toygres.controlplane.actor.InstanceActors;
import dev.toygres.controlplane.cms.CmsStore;
import dev.toygres.controlplane.config.ServerConfig;
import dev.toygres.controlplane.server.ServerEngine;
import dev.toygres.engine.DurableEngine;
import dev.toygres.engine.worker.DurableWorker;
import dev.toygres.engine.worker.Registry;
import dev.toygres.engine.worker.WorkerOptions;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;

/**
 * One run's engine and actors, wired as {@code ToygresServer} wires them: the server's worker
 * options ({@link ServerEngine}) with the run's activity slots and dispatchers, the CMS migrated,
 * the instance actors ({@link InstanceActors#register}) and the supervisor ({@link
 * ActorSupervisor#register}) registered with the server's defaults ({@link FleetRegistry}). Both
 * the engine and the worker are in the benchmark's {@link Closer} (Ctrl-C stops them). With {@code
 * counted}, the worker records its metrics in {@link #meters} (what {@link WorkCounts} reads).
 */
final class RunWiring {
  final DurableEngine engine;
  final CmsStore cms;
  final ActorService actors;
  final MeterRegistry meters;
  private final Registry registry;
  private final WorkerOptions options;
  private final Closer closer;
  private final Closer.Entry engineEntry;
  private Closer.Entry workerEntry;

  private RunWiring(
      FleetEnvironment env,
      FleetResult.Shape shape,
      Duration probeTimeout,
      DurableEngine engine,
      Closer.Entry engineEntry,
      MeterRegistry meters) {
    this.engine = engine;
    this.closer = env.closer();
    this.engineEntry = engineEntry;
    this.meters = meters;
    this.options = meters == null ? options(shape) : options(shape).withMeterRegistry(meters);
    FleetRegistry r =
        FleetRegistry.of(engine, shape.interval(), probeTimeout, env.secrets(), meters);
    this.cms = r.cms;
    cms.migrate();
    this.actors = r.actors;
    this.registry = r.registry;
  }

  /** The server's worker options with the run's activity slots and dispatchers. */
  static WorkerOptions options(FleetResult.Shape shape) {
    return options(shape.activitySlots(), shape.dispatchers());
  }

  /**
   * The server's worker options with {@code slots} activity slots and {@code dispatchers}
   * orchestration dispatchers (the actors' checks run in their steps, so the activity dispatchers
   * stay the server's).
   */
  static WorkerOptions options(int slots, int dispatchers) {
    WorkerOptions server = ServerEngine.workerOptions(ServerConfig.defaults());
    return server
        .withMaxConcurrentActivities(slots)
        .withDispatchers(dispatchers, server.activityDispatchers());
  }

  /**
   * Starts the engine on database {@code db} of the metadata PostgreSQL (migrating its schema and
   * the CMS's), without a worker; with {@code counted}, the worker will count its work.
   */
  static RunWiring start(
      FleetEnvironment env,
      FleetResult.Shape shape,
      Duration probeTimeout,
      String db,
      boolean counted)
      throws Exception {
    DurableEngine engine =
        DurableEngine.builder()
            .databaseUrl(databaseUrl(env, db))
            .poolSize(shape.poolSize())
            .workerOptions(options(shape))
            .start();
    Closer.Entry entry = env.closer().add("the engine's pool", engine);
    try {
      RunWiring w =
          new RunWiring(
              env, shape, probeTimeout, engine, entry, counted ? new SimpleMeterRegistry() : null);
      w.allowSharedPorts();
      return w;
    } catch (Exception | Error e) {
      entry.close();
      throw e;
    }
  }

  /** The JDBC URL of database {@code db}, with the metadata PostgreSQL's user and password. */
  static String databaseUrl(FleetEnvironment env, String db) {
    return env.meta().jdbcUrl(db)
        + "?user="
        + enc(env.meta().user())
        + "&password="
        + enc(env.meta().password());
  }

  /**
   * N instances share a few real servers: the CMS forbids two live instances on one host:port, so
   * that index goes (in this run's own database only; already gone when the engine is restarted).
   */
  private void allowSharedPorts() throws Exception {
    try (Connection c = engine.dataSource().getConnection();
        Statement st = c.createStatement()) {
      st.execute("DROP INDEX IF EXISTS " + CmsStore.SCHEMA + ".instances_live_port_idx");
    }
  }

  void startWorker() {
    workerEntry = closer.add("the worker", DurableWorker.start(engine.store(), registry, options));
  }

  /** Stops the worker (gracefully); the engine's pool stays open. */
  void stopWorker() {
    if (workerEntry != null) {
      workerEntry.close();
    }
  }

  /** Stops the worker, then the engine's pool. */
  void close() {
    stopWorker();
    engineEntry.close();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
