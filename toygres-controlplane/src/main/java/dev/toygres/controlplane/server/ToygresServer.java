package dev.toygres.controlplane.server;

import dev.toygres.controlplane.access.ApiUsers;
import dev.toygres.controlplane.actor.ActorDoctor;
import dev.toygres.controlplane.actor.ActorRecovery;
import dev.toygres.controlplane.actor.ActorService;
import dev.toygres.controlplane.actor.ActorSupervisor;
import dev.toygres.controlplane.actor.HealthProbe;
import dev.toygres.controlplane.actor.InstanceActors;
import dev.toygres.controlplane.actor.RestartPolicy;
import dev.toygres.controlplane.actor.WatchedSingleton;
import dev.toygres.controlplane.api.ApiContext;
import dev.toygres.controlplane.api.HealthReport;
import dev.toygres.controlplane.api.HttpApi;
import dev.toygres.controlplane.backup.BackupScheduler;
import dev.toygres.controlplane.backup.BackupService;
import dev.toygres.controlplane.cms.ApiTokens;
import dev.toygres.controlplane.cms.AuditLog;
import dev.toygres.controlplane.cms.CmsStore;
import dev.toygres.controlplane.cms.HealthRecorder;
import dev.toygres.controlplane.cms.RestartRecorder;
import dev.toygres.controlplane.cms.Settings;
import dev.toygres.controlplane.cms.UiSessions;
import dev.toygres.controlplane.config.ServerConfig;
import dev.toygres.controlplane.dataplane.LocalDataPlane;
import dev.toygres.controlplane.failover.FailoverOrchestrations;
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
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Toygres server process: the metadata database (embedded or external), one connection pool,
 * both schemas migrated, the local data plane, a durable worker running the orchestrations, the
 * pruner, and the HTTP API. Several servers may share one external database: the engine spreads the
 * work among them. A {@link HealthMonitor} probes the metadata database every second for {@code
 * /health}, and a {@link SingletonWatch} starts the supervisor, the pruner and the backup scheduler
 * again whenever they ended (so does every supervisor round for the pruner and the scheduler).
 */
public final class ToygresServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ToygresServer.class);
  private static final String SUPERVISOR = "actor-supervisor";
  private static final String PRUNER = "pruner";
  private static final String BACKUP_SCHEDULER = "backup-scheduler";

  /** How often instance servers' logs are checked for rotation (docs/logs.md). */
  private static final Duration LOG_ROTATION_INTERVAL = Duration.ofMinutes(1);

  /** How much longer than two intervals the supervisor may go quiet and still be healthy. */
  private static final Duration QUIET_MARGIN = Duration.ofSeconds(30);

  private final DurableEngine engine;
  private final DurableWorker worker;
  private final HttpApi api;
  private final HealthMonitor monitor;
  private final SingletonWatch watch;
  private final ServerMetrics serverMetrics;
  private final AutoCloseable logRotation;
  private final HealthProbe probe;
  private final Secrets.AdminToken token;
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
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    WorkerOptions workerOptions = ServerEngine.workerOptions(cfg).withMeterRegistry(metrics);
    engine =
        DurableEngine.builder()
            .meterRegistry(metrics)
            .databaseUrl(cfg.databaseUrl())
            .dataDir(cfg.dataDir())
            .poolSize(ServerEngine.POOL_SIZE)
            .workerOptions(workerOptions)
            .embeddedShutdownHook(false)
            .timeouts(cfg.databaseTimeouts())
            .start();
    DurableWorker w = null;
    HttpApi a = null;
    HealthMonitor m = null;
    SingletonWatch sw = null;
    ServerMetrics sm = null;
    AutoCloseable rotation = null;
    HealthProbe hp = null;
    try {
      CmsStore cms = new CmsStore(engine.dataSource());
      cms.migrate();
      SecretKeyCheck.verify(secrets, keyFile, new Settings(engine.dataSource()), cms);
      HealthRecorder health = new HealthRecorder(engine.dataSource(), metrics);
      try {
        health.partitions().createAhead(java.time.Instant.now());
      } catch (RuntimeException e) {
        LOG.warn(
            "Cannot make the health checks' partitions ahead (a check makes its own): {}",
            e.toString());
      }
      AuditLog audit = new AuditLog(engine.dataSource());
      LocalDataPlane dataPlane = LocalDataPlane.fromConfig(cfg);
      rotation = dataPlane.rotateLogsEvery(LOG_ROTATION_INTERVAL);
      HealthProbe probe = new HealthProbe(cfg.probeTimeout(), metrics);
      hp = probe;
      InstanceService instances =
          new InstanceService(cms, health, dataPlane, secrets, engine.client());
      ActorService actorService = new ActorService(cms, engine.client(), instances::get);
      ActorDoctor doctor =
          new ActorDoctor(
              cms,
              engine.client(),
              cfg.staleAfter(),
              new DatabaseClock(engine.dataSource()),
              List.of(
                  new WatchedSingleton(
                      SUPERVISOR,
                      ActorSupervisor.INSTANCE_ID,
                      cfg.supervisorInterval().multipliedBy(2).plus(QUIET_MARGIN)),
                  new WatchedSingleton(PRUNER, Pruner.INSTANCE_ID, Pruner.EVERY.multipliedBy(2)),
                  new WatchedSingleton(
                      BACKUP_SCHEDULER,
                      BackupScheduler.INSTANCE_ID,
                      cfg.backupCheckInterval().multipliedBy(2).plus(QUIET_MARGIN))),
              new RestartRecorder(engine.dataSource())::healthReasons);
      SingletonKeeper keeper =
          new SingletonKeeper(
              engine.client(),
              metrics,
              List.of(
                  new SingletonKeeper.Singleton(
                      SUPERVISOR, ActorSupervisor.NAME, ActorSupervisor.INSTANCE_ID, 0L),
                  new SingletonKeeper.Singleton(PRUNER, Pruner.NAME, Pruner.INSTANCE_ID, 0L),
                  new SingletonKeeper.Singleton(
                      BACKUP_SCHEDULER, BackupScheduler.NAME, BackupScheduler.INSTANCE_ID, 0L)));
      ActorRecovery recovery = new ActorRecovery(doctor, actorService, cms, metrics, audit);
      Registry.Builder registry = Registry.builder();
      InstanceActors.register(
          registry,
          new InstanceActors.Settings(
              cfg.healthInterval(),
              cfg.failureThreshold(),
              cfg.probeRetryDelay(),
              RestartPolicy.DEFAULT.withBackoff(cfg.restartBackoff()),
              cfg.failoverCooldown()),
          cms,
          health,
          secrets,
          probe,
          dataPlane,
          engine.client(),
          metrics);
      FailoverOrchestrations.register(registry, cms, dataPlane, secrets, metrics);
      new InstanceActivities(cms, dataPlane, secrets, engine.client(), probe).register(registry);
      LifecycleOrchestrations.register(registry);
      BackupService.register(
          registry, cms, dataPlane, secrets, engine.client(), cfg.backupCheckInterval());
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
          () -> {
            keeper.ensure(PRUNER, "the supervisor's round");
            keeper.ensure(BACKUP_SCHEDULER, "the supervisor's round");
          },
          lifecycleRepair::runRound);
      w = DurableWorker.start(engine.store(), registry.build(), workerOptions);
      keeper.ensureAll("the server's start");
      new BootReconciliation(cms, dataPlane, engine.client()).run();
      m =
          new HealthMonitor(
              new DatabaseProbe(engine.dataSource()),
              w::health,
              engine::databaseHealth,
              cfg.livenessThreshold());
      HealthMonitor health0 = m;
      AccessUpgrades.startPending(cms, engine.client());
      FleetMetrics.bind(metrics, cms);
      sm = ServerMetrics.bind(metrics, health0::report, doctor, engine.client());
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
                  health0::report,
                  new UiSessions(engine.dataSource(), Duration.ofHours(12)),
                  new ApiContext.Intervals(cfg.healthInterval(), cfg.staleAfter()),
                  audit,
                  new BackupService(cms, dataPlane, engine.client())),
              host,
              cfg.port());
      sw = new SingletonWatch(keeper, cfg.supervisorInterval());
    } catch (RuntimeException e) {
      closeQuietly(rotation);
      closeQuietly(hp);
      if (a != null) {
        a.close();
      }
      if (w != null) {
        w.close();
      }
      if (m != null) {
        m.close();
      }
      if (sm != null) {
        sm.close();
      }
      engine.close();
      throw e;
    }
    worker = w;
    api = a;
    monitor = m;
    watch = sw;
    serverMetrics = sm;
    logRotation = rotation;
    this.probe = hp;
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    monitor.serving();
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

  /** The server's health as {@code GET /health} reports it (never waits on the database). */
  public HealthReport health() {
    return monitor.report();
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
    monitor.stopping();
    try {
      api.close();
      watch.close();
      closeQuietly(logRotation);
    } finally {
      try {
        worker.close();
      } finally {
        closeQuietly(probe);
        monitor.close();
        serverMetrics.close();
        engine.close();
        stopped.countDown();
        LOG.info("toygres server stopped; instance servers keep running");
      }
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      LOG.warn("Cannot stop {}: {}", c, e.toString());
    }
  }
}
