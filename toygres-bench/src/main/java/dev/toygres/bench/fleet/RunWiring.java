package dev.toygres.bench.fleet;

import dev.toygres.controlplane.actor.ActorDoctor;
import dev.toygres.controlplane.actor.ActorRecovery;
import dev.toygres.controlplane.actor.ActorService;
import dev.toygres.controlplane.actor.ActorSupervisor;
import dev.toygres.controlplane.actor.HealthProbe;
import dev.toygres.controlplane.actor.InstanceActors;
import dev.toygres.controlplane.cms.AuditLog;
import dev.toygres.controlplane.cms.CmsStore;
import dev.toygres.controlplane.cms.HealthRecorder;
import dev.toygres.controlplane.config.ServerConfig;
import dev.toygres.controlplane.server.ServerEngine;
import dev.toygres.engine.DurableEngine;
import dev.toygres.engine.worker.DurableWorker;
import dev.toygres.engine.worker.Registry;
import dev.toygres.engine.worker.WorkerOptions;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;

/**
 * One run's engine and actors, wired as {@code ToygresServer} wires them: the server's worker
 * options ({@link ServerEngine}) with the run's activity slots and dispatchers, the CMS migrated,
 * the instance actors ({@link InstanceActors#register}) and the supervisor ({@link
 * ActorSupervisor#register}) registered with the server's defaults ({@link
 * ServerConfig#defaults()}). Both the engine and the worker are in the benchmark's {@link Closer}
 * (Ctrl-C stops them).
 */
final class RunWiring {
  final DurableEngine engine;
  final CmsStore cms;
  final ActorService actors;
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
      Closer.Entry engineEntry) {
    ServerConfig server = ServerConfig.defaults();
    this.engine = engine;
    this.closer = env.closer();
    this.engineEntry = engineEntry;
    this.options = options(shape);
    this.cms = new CmsStore(engine.dataSource());
    cms.migrate();
    this.actors =
        new ActorService(
            cms,
            engine.client(),
            name ->
                cms.findLiveByName(name)
                    .orElseThrow(() -> new IllegalStateException("no instance " + name)));
    ActorDoctor doctor = new ActorDoctor(cms, engine.client(), server.staleAfter(), Instant::now);
    HealthRecorder health = new HealthRecorder(engine.dataSource());
    ActorRecovery recovery =
        new ActorRecovery(
            doctor,
            actors,
            cms,
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            new AuditLog(engine.dataSource()));
    HealthProbe probe = new HealthProbe(probeTimeout);
    Registry.Builder b = Registry.builder();
    InstanceActors.register(
        b, shape.interval(), cms, health, env.secrets(), probe, server.failureThreshold());
    ActorSupervisor.register(b, doctor, recovery, server.supervisorInterval(), server.autoRepair());
    this.registry = b.build();
  }

  /** The server's worker options with the run's activity slots and dispatchers. */
  static WorkerOptions options(FleetResult.Shape shape) {
    return ServerEngine.workerOptions(ServerConfig.defaults())
        .withMaxConcurrentActivities(shape.activitySlots())
        .withDispatchers(shape.dispatchers(), shape.dispatchers());
  }

  /** Starts the engine on database {@code db} of the metadata PostgreSQL, without a worker. */
  static RunWiring start(
      FleetEnvironment env, FleetResult.Shape shape, Duration probeTimeout, String db)
      throws Exception {
    DurableEngine engine =
        DurableEngine.builder()
            .databaseUrl(
                env.meta().jdbcUrl(db)
                    + "?user="
                    + enc(env.meta().user())
                    + "&password="
                    + enc(env.meta().password()))
            .poolSize(shape.poolSize())
            .workerOptions(options(shape))
            .start();
    Closer.Entry entry = env.closer().add("the engine's pool", engine);
    try {
      RunWiring w = new RunWiring(env, shape, probeTimeout, engine, entry);
      w.allowSharedPorts();
      return w;
    } catch (Exception | Error e) {
      entry.close();
      throw e;
    }
  }

  /**
   * N instances share a few real servers: the CMS forbids two live instances on one host:port, so
   * that index goes (in this run's own database only).
   */
  private void allowSharedPorts() throws Exception {
    try (Connection c = engine.dataSource().getConnection();
        Statement st = c.createStatement()) {
      st.execute("DROP INDEX " + CmsStore.SCHEMA + ".instances_live_port_idx");
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
