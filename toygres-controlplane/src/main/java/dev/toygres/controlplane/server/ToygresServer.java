package dev.toygres.controlplane.server;

import dev.toygres.controlplane.access.ApiUsers;
import dev.toygres.controlplane.actor.ActorDoctor;
import dev.toygres.controlplane.actor.ActorRecovery;
import dev.toygres.controlplane.actor.ActorService;
import dev.toygres.controlplane.actor.ActorSupervisor;
import dev.toygres.controlplane.actor.HealthProbe;
import dev.toygres.controlplane.actor.InstanceActors;
import dev.toygres.controlplane.api.ApiContext;
import dev.toygres.controlplane.api.HttpApi;
import dev.toygres.controlplane.cms.ApiTokens;
import dev.toygres.controlplane.cms.AuditLog;
import dev.toygres.controlplane.cms.CmsStore;
import dev.toygres.controlplane.cms.HealthRecorder;
import dev.toygres.controlplane.cms.Settings;
import dev.toygres.controlplane.cms.UiSessions;
import dev.toygres.controlplane.config.ServerConfig;
import dev.toygres.controlplane.dataplane.LocalDataPlane;
import dev.toygres.controlplane.instance.AccessUpgrades;
import dev.toygres.controlplane.instance.BootReconciliation;
import dev.toygres.controlplane.instance.InstanceActivities;
import dev.toygres.controlplane.instance.InstanceService;
import dev.toygres.controlplane.instance.LifecycleOrchestrations;
import dev.toygres.controlplane.instance.LifecycleRepair;
import dev.toygres.controlplane.secret.SecretBox;
import dev.toygres.engine.DurableEngine;
import dev.toygres.engine.worker.DurableWorker;
import dev.toygres.engine.worker.Registry;
import dev.toygres.engine.worker.WorkerOptions;
import dev.toygres.postgres.internal.RootWrapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Toygres server process: the metadata database (embedded or external), one connection pool,
 * both schemas migrated, the local data plane, a durable worker running the orchestrations, the
 * pruner, and the HTTP API. Several servers may share one external database: the engine spreads the
 * work among them.
 */
public final class ToygresServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ToygresServer.class);
  private final DurableEngine engine;
  private final DurableWorker worker;
  private final HttpApi api;
  private final Secrets.AdminToken token;
  private final AtomicBoolean ready = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Thread shutdownHook = new Thread(this::close, "toygres-shutdown");

  private ToygresServer(ServerConfig cfg, String adminTokenEnv, String secretKeyEnv, String host)
      throws IOException {
    PrivateFiles.dataDir(cfg.dataDir(), RootWrapper.isRoot());
    Path tokenFile = cfg.dataDir().resolve("admin-token");
    Path keyFile = cfg.dataDir().resolve("secret.key");
    PrivateFiles.secretFile(tokenFile);
    PrivateFiles.secretFile(keyFile);
    token = Secrets.adminToken(adminTokenEnv, cfg.dataDir());
    SecretBox secrets = SecretBox.load(secretKeyEnv, keyFile);
    WorkerOptions workerOptions = ServerEngine.workerOptions(cfg);
    engine =
        DurableEngine.builder()
            .databaseUrl(cfg.databaseUrl())
            .dataDir(cfg.dataDir())
            .poolSize(ServerEngine.POOL_SIZE)
            .workerOptions(workerOptions)
            .embeddedShutdownHook(false)
            .start();
    DurableWorker w = null;
    HttpApi a = null;
    try {
      CmsStore cms = new CmsStore(engine.dataSource());
      cms.migrate();
      SecretKeyCheck.verify(secrets, keyFile, new Settings(engine.dataSource()), cms);
      HealthRecorder health = new HealthRecorder(engine.dataSource());
      AuditLog audit = new AuditLog(engine.dataSource());
      LocalDataPlane dataPlane = LocalDataPlane.fromConfig(cfg);
      HealthProbe probe = new HealthProbe(cfg.probeTimeout());
      InstanceService instances =
          new InstanceService(cms, health, dataPlane, secrets, engine.client());
      ActorService actorService = new ActorService(cms, engine.client(), instances::get);
      PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      ActorDoctor doctor = new ActorDoctor(cms, engine.client(), cfg.staleAfter(), Instant::now);
      ActorRecovery recovery = new ActorRecovery(doctor, actorService, cms, metrics, audit);
      Registry.Builder registry = Registry.builder();
      InstanceActors.register(
          registry, cfg.healthInterval(), cms, health, secrets, probe, cfg.failureThreshold());
      new InstanceActivities(cms, dataPlane, secrets, engine.client(), probe).register(registry);
      LifecycleOrchestrations.register(registry);
      AccessUpgrades.register(registry);
      Pruner.register(
          registry,
          health,
          audit,
          engine.client(),
          new Pruner.Retention(cfg.healthRetention(), cfg.auditRetention()));
      LifecycleRepair lifecycleRepair =
          new LifecycleRepair(cms, engine.client(), metrics, LifecycleRepair.GRACE);
      ActorSupervisor.register(
          registry,
          doctor,
          recovery,
          cfg.supervisorInterval(),
          cfg.autoRepair(),
          lifecycleRepair::runRound);
      w = DurableWorker.start(engine.store(), registry.build(), workerOptions);
      new BootReconciliation(cms, dataPlane, engine.client()).run();
      Pruner.ensureRunning(engine.client());
      ActorSupervisor.ensureRunning(engine.client());
      AccessUpgrades.startPending(cms, engine.client());
      FleetMetrics.bind(metrics, cms);
      a =
          HttpApi.start(
              new ApiContext(
                  instances,
                  actorService,
                  doctor,
                  recovery,
                  engine.client(),
                  new ApiUsers(token.value(), new ApiTokens(engine.dataSource())),
                  metrics,
                  ready::get,
                  new UiSessions(engine.dataSource(), Duration.ofHours(12)),
                  new ApiContext.Intervals(cfg.healthInterval(), cfg.staleAfter()),
                  audit),
              host,
              cfg.port());
    } catch (RuntimeException e) {
      if (a != null) {
        a.close();
      }
      if (w != null) {
        w.close();
      }
      engine.close();
      throw e;
    }
    worker = w;
    api = a;
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    ready.set(true);
  }

  /** Blocks until the server has been closed (by {@link #close()} or on JVM exit). */
  public void awaitClosed() throws InterruptedException {
    stopped.await();
  }

  /**
   * Starts a server; the admin token and secret key come from the given values or the data
   * directory. Before anything else runs, the data directory is made private (see {@link
   * PrivateFiles}); the admin token must have at least 16 characters, and right after the CMS is
   * migrated the secret key must match the fingerprint the database keeps (the first server on a
   * database records it), before any worker starts.
   *
   * @throws dev.toygres.controlplane.config.ConfigurationException if the admin token or the secret
   *     key is refused; the message says where it came from and how to fix it
   */
  public static ToygresServer start(
      ServerConfig cfg, String adminTokenEnv, String secretKeyEnv, String host) throws IOException {
    return new ToygresServer(cfg, adminTokenEnv, secretKeyEnv, host);
  }

  public int port() {
    return api.port();
  }

  public String adminToken() {
    return token.value();
  }

  /** Whether the admin token was generated by this start (print it once), and where it is kept. */
  public boolean tokenGenerated() {
    return token.generated();
  }

  public Path tokenFile() {
    return token.file();
  }

  /**
   * Stops the API, then the worker (gracefully), then the database, in that order; also run on JVM
   * exit (SIGTERM, Ctrl-C). Instance servers keep running. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (Thread.currentThread() != shutdownHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException exiting) {
        // the JVM is shutting down
      }
    }
    ready.set(false);
    try {
      api.close();
    } finally {
      try {
        worker.close();
      } finally {
        engine.close();
        stopped.countDown();
        LOG.info("toygres server stopped; instance servers keep running");
      }
    }
  }
}
