package dev.toygres.bench.fleet;

import com.sun.management.OperatingSystemMXBean;
import dev.toygres.controlplane.actor.ActorDoctor;
import dev.toygres.controlplane.actor.ActorRecovery;
import dev.toygres.controlplane.actor.ActorService;
import dev.toygres.controlplane.actor.ActorSupervisor;
import dev.toygres.controlplane.actor.DoctorReport;
import dev.toygres.controlplane.actor.HealthProbe;
import dev.toygres.controlplane.actor.InstanceActors;
import dev.toygres.controlplane.cms.AuditLog;
import dev.toygres.controlplane.cms.CmsStore;
import dev.toygres.controlplane.cms.HealthRecorder;
import dev.toygres.controlplane.cms.InstanceRecord;
import dev.toygres.controlplane.cms.InstanceState;
import dev.toygres.controlplane.config.Durations;
import dev.toygres.controlplane.secret.SecretBox;
import dev.toygres.engine.DurableEngine;
import dev.toygres.engine.client.DurableClient;
import dev.toygres.engine.store.PostgresStore;
import dev.toygres.engine.worker.DurableWorker;
import dev.toygres.engine.worker.Registry;
import dev.toygres.engine.worker.WorkerOptions;
import dev.toygres.postgres.EmbeddedPostgres;
import dev.toygres.postgres.PostgresServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * One configuration of the fleet benchmark: a fresh metadata database, N instances registered in
 * the CMS, one actor each on one worker, a settling time, a measured window, the doctor and the
 * purge, then everything of this run stopped and its database dropped.
 */
final class FleetRun {
  /** What the whole benchmark shares between runs. */
  record Environment(
      EmbeddedPostgres meta,
      List<PostgresServer> targets,
      String targetPassword,
      int postgresMajor,
      SecretBox secrets,
      Closer closer) {}

  /** One run's figures. CPU percentages are of all the machine's cores. */
  record Result(
      int instances,
      Duration interval,
      int activitySlots,
      int poolSize,
      int dispatchers,
      double registerSeconds,
      double launchSeconds,
      double firstSweepSeconds,
      int neverChecked,
      double windowSeconds,
      long checks,
      double iterationsPerSecond,
      double idealPerSecond,
      double latenessP50Ms,
      double latenessP99Ms,
      double latenessMaxMs,
      int lateByMoreThanInterval,
      int overdueAtEnd,
      double maxOverdueMs,
      int withoutCheckInWindow,
      double probeP50Ms,
      double probeP99Ms,
      long failedProbes,
      int cores,
      double jvmCpuPct,
      double machineCpuPct,
      double metaPgCpuPct,
      double targetsPgCpuPct,
      double jvmCpuMsPerIteration,
      double gcPct,
      long heapPeakBytes,
      long heapLiveBytes,
      long heapMaxBytes,
      double activityBacklog,
      double activitiesInFlight,
      double readyOrchestrations,
      long dbSizeStart,
      long dbSizeEnd,
      double dbGrowthMbPerHour,
      double engineGrowthMbPerHour,
      double cmsGrowthMbPerHour,
      double doctorMedianMs,
      double idleDoctorMedianMs,
      long doctorQueries,
      Map<String, Integer> diagnoses,
      int purgedExecutions,
      double purgeSeconds) {}

  private static final String CMS = CmsStore.SCHEMA;
  private static final Duration STALE_AFTER = Duration.ofMinutes(5);
  private static final Duration SUPERVISOR_INTERVAL = Duration.ofSeconds(60);
  private static final Duration SWEEP_TIMEOUT = Duration.ofMinutes(15);
  private static final int FAILURE_THRESHOLD = 2;

  private final Environment env;
  private final FleetBenchmark.Settings s;
  private final int n;
  private final Duration interval;
  private final int slots;
  private final String db;
  private final PrintStream log;

  FleetRun(
      Environment env,
      FleetBenchmark.Settings s,
      int n,
      Duration interval,
      int slots,
      int number,
      PrintStream log) {
    this.env = env;
    this.s = s;
    this.n = n;
    this.interval = interval;
    this.slots = slots;
    this.db = "fleet_run_" + number;
    this.log = log;
  }

  Result run() throws Exception {
    log.printf(
        Locale.ROOT,
        "%nbench-fleet: run %s: %,d instances, interval %s, %d activity slots, pool %d%n",
        db,
        n,
        Durations.format(interval),
        slots,
        s.poolSize());
    admin("CREATE DATABASE " + db);
    try {
      return measure();
    } finally {
      admin("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
    }
  }

  private Result measure() throws Exception {
    Closer closer = env.closer();
    // the server's worker options (SPEC section 8 defaults), with this run's activity slots
    WorkerOptions options =
        WorkerOptions.defaults()
            .withMaxConcurrentActivities(slots)
            .withDispatchers(s.dispatchers(), s.dispatchers())
            .withLease(Duration.ofSeconds(30));
    DurableEngine engine =
        DurableEngine.builder()
            .databaseUrl(
                env.meta().jdbcUrl(db)
                    + "?user="
                    + enc(env.meta().user())
                    + "&password="
                    + enc(env.meta().password()))
            .poolSize(s.poolSize())
            .workerOptions(options)
            .start();
    Closer.Entry engineEntry = closer.add("the engine's pool", engine);
    Closer.Entry workerEntry = null;
    try (Connection m = measurementConnection()) {
      CmsStore cms = new CmsStore(engine.dataSource());
      cms.migrate();
      try (Statement st = m.createStatement()) {
        // N instances share a few real servers: the CMS forbids two live instances on one
        // host:port, so that index goes (in this benchmark's own database only).
        st.execute("DROP INDEX " + CMS + ".instances_live_port_idx");
      }
      HealthRecorder health = new HealthRecorder(engine.dataSource());
      HealthProbe probe = new HealthProbe(s.probeTimeout());
      ActorService actors =
          new ActorService(
              cms,
              engine.client(),
              name ->
                  cms.findLiveByName(name)
                      .orElseThrow(() -> new IllegalStateException("no instance " + name)));
      ActorDoctor doctor = new ActorDoctor(cms, engine.client(), STALE_AFTER, Instant::now);
      ActorRecovery recovery =
          new ActorRecovery(
              doctor,
              actors,
              cms,
              new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
              new AuditLog(engine.dataSource()));
      // the registrations of ToygresServer that the actors use, and the supervisor
      Registry.Builder registry = Registry.builder();
      InstanceActors.register(
          registry, interval, cms, health, env.secrets(), probe, FAILURE_THRESHOLD);
      ActorSupervisor.register(registry, doctor, recovery, SUPERVISOR_INTERVAL, true);

      double registerSeconds = register(cms);
      DurableWorker worker = DurableWorker.start(engine.store(), registry.build(), options);
      workerEntry = closer.add("the worker", worker);
      double launchSeconds = launch(cms, actors);
      // after the launch: its first round would otherwise "repair" the instances not yet launched
      ActorSupervisor.ensureRunning(engine.client());
      long sweepStart = System.nanoTime();
      int neverChecked = awaitFirstSweep(m);
      double sweepSeconds = (System.nanoTime() - sweepStart) / 1e9 + launchSeconds;
      Duration warmup =
          s.warmup() != null
              ? s.warmup()
              : (interval.compareTo(Duration.ofSeconds(10)) < 0
                  ? Duration.ofSeconds(10)
                  : interval);
      log.printf(
          Locale.ROOT,
          "bench-fleet: every instance checked once %.1f s after the launch began; settling %s%n",
          sweepSeconds,
          Durations.format(warmup));
      Thread.sleep(warmup.toMillis());

      Sampler sampler = new Sampler(measurementConnection(), engine.store().schema());
      Snapshot a = snapshot(m, engine.store().schema());
      sampler.start();
      log.printf(Locale.ROOT, "bench-fleet: measuring for %s%n", Durations.format(s.duration()));
      Thread.sleep(s.duration().toMillis());
      Snapshot b = snapshot(m, engine.store().schema());
      sampler.stop();
      System.gc();
      long heapLive = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();

      Lateness.Result late = lateness(m, a.dbNow(), b.dbNow());
      double[] probeMs = new double[3];
      try (PreparedStatement ps =
          m.prepareStatement(
              "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY response_time_ms),"
                  + " percentile_cont(0.99) WITHIN GROUP (ORDER BY response_time_ms),"
                  + " count(*) FILTER (WHERE status <> 'healthy')"
                  + " FROM "
                  + CMS
                  + ".instance_health_checks WHERE checked_at >= ? AND checked_at < ?")) {
        ps.setObject(1, OffsetDateTime.ofInstant(a.dbNow(), ZoneOffset.UTC));
        ps.setObject(2, OffsetDateTime.ofInstant(b.dbNow(), ZoneOffset.UTC));
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          probeMs[0] = rs.getDouble(1);
          probeMs[1] = rs.getDouble(2);
          probeMs[2] = rs.getLong(3);
        }
      }

      // the doctor, as the API and the supervisor call it, with its statements counted
      AtomicLong queries = new AtomicLong();
      DataSource counted = CountingDataSource.wrap(engine.dataSource(), queries);
      ActorDoctor countedDoctor =
          new ActorDoctor(
              new CmsStore(counted),
              new DurableClient(new PostgresStore(counted, engine.store().schema())),
              STALE_AFTER,
              Instant::now);
      double[] doctorMs = new double[s.doctorRuns()];
      DoctorReport report = null;
      for (int i = 0; i < doctorMs.length; i++) {
        long t = System.nanoTime();
        report = countedDoctor.diagnose();
        doctorMs[i] = (System.nanoTime() - t) / 1e6;
      }
      long doctorQueries = queries.get() / doctorMs.length;
      Map<String, Integer> diagnoses = new TreeMap<>();
      report.counts().forEach((d, c) -> diagnoses.put(d.label(), c));

      // the pruner's engine purge: here every execution that ended before the window's end
      long t = System.nanoTime();
      int purged = engine.client().purge(b.dbNow());
      double purgeSeconds = (System.nanoTime() - t) / 1e9;

      // the doctor again once the worker has stopped: the same work on an idle machine
      workerEntry.close();
      double[] idleDoctorMs = new double[s.doctorRuns()];
      for (int i = 0; i < idleDoctorMs.length; i++) {
        long t0 = System.nanoTime();
        countedDoctor.diagnose();
        idleDoctorMs[i] = (System.nanoTime() - t0) / 1e6;
      }

      double secs = (b.wallNanos() - a.wallNanos()) / 1e9;
      int cores = Runtime.getRuntime().availableProcessors();
      double cpuScale = 100.0 / (secs * cores);
      double ticksScale = cpuScale / ProcCpu.TICKS_PER_SECOND;
      long checks = late.checksInWindow();
      double dbSecs = Duration.between(a.dbNow(), b.dbNow()).toNanos() / 1e9;
      double perHour = 3600.0 / dbSecs / (1024.0 * 1024.0);
      Result r =
          new Result(
              n,
              interval,
              slots,
              s.poolSize(),
              s.dispatchers(),
              registerSeconds,
              launchSeconds,
              sweepSeconds,
              neverChecked,
              dbSecs,
              checks,
              checks / dbSecs,
              n / (interval.toNanos() / 1e9),
              late.percentile(50),
              late.percentile(99),
              late.percentile(100),
              late.laterThan(interval.toMillis()),
              late.overdueAtEnd(),
              late.maxOverdueMs(),
              late.instancesWithoutCheck(),
              probeMs[0],
              probeMs[1],
              (long) probeMs[2],
              cores,
              (b.jvmCpuNanos() - a.jvmCpuNanos()) / 1e9 * cpuScale,
              a.machine().total() < 0
                  ? -1
                  : 100.0
                      * (b.machine().busy() - a.machine().busy())
                      / Math.max(1, b.machine().total() - a.machine().total()),
              a.metaTicks() < 0 || b.metaTicks() < 0
                  ? -1
                  : (b.metaTicks() - a.metaTicks()) * ticksScale,
              a.targetTicks() < 0 || b.targetTicks() < 0
                  ? -1
                  : (b.targetTicks() - a.targetTicks()) * ticksScale,
              checks == 0 ? Double.NaN : (b.jvmCpuNanos() - a.jvmCpuNanos()) / 1e6 / checks,
              (b.gcMillis() - a.gcMillis()) / 1000.0 / secs * 100.0,
              sampler.heapPeak(),
              heapLive,
              Runtime.getRuntime().maxMemory(),
              sampler.average(0),
              sampler.average(1),
              sampler.average(2),
              a.dbSize(),
              b.dbSize(),
              (b.dbSize() - a.dbSize()) * perHour,
              (b.engineBytes() - a.engineBytes()) * perHour,
              (b.cmsBytes() - a.cmsBytes()) * perHour,
              Lateness.median(doctorMs),
              Lateness.median(idleDoctorMs),
              doctorQueries,
              diagnoses,
              purged,
              purgeSeconds);
      log.printf(
          Locale.ROOT,
          "bench-fleet: %,d instances at %s: %.1f iterations/s of %.1f ideal, lateness p50 %.0f ms"
              + " p99 %.0f ms, JVM CPU %.0f%%, doctor %.0f ms%n",
          n,
          Durations.format(interval),
          r.iterationsPerSecond(),
          r.idealPerSecond(),
          r.latenessP50Ms(),
          r.latenessP99Ms(),
          r.jvmCpuPct(),
          r.doctorMedianMs());
      return r;
    } finally {
      long t = System.nanoTime();
      if (workerEntry != null) {
        workerEntry.close();
      }
      engineEntry.close();
      log.printf(
          Locale.ROOT, "bench-fleet: worker stopped in %.1f s%n", (System.nanoTime() - t) / 1e9);
    }
  }

  /** Inserts the instances (as the create orchestration would leave them), 8 at a time. */
  private double register(CmsStore cms) throws Exception {
    long t = System.nanoTime();
    List<Callable<Void>> work = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String name = String.format(Locale.ROOT, "fleet-%05d", i);
      PostgresServer target = env.targets().get(i % env.targets().size());
      work.add(
          () -> {
            UUID id = UUID.randomUUID();
            cms.insert(
                new CmsStore.NewInstance(
                    id,
                    name,
                    name,
                    Integer.toString(env.postgresMajor()),
                    1,
                    "postgres",
                    null,
                    env.secrets().encrypt(env.targetPassword()),
                    env.secrets().encrypt(env.targetPassword()),
                    null));
            cms.transition(
                id,
                EnumSet.of(InstanceState.CREATING),
                InstanceState.RUNNING,
                "registered by the fleet benchmark");
            cms.setServer(
                id,
                target.host(),
                target.port(),
                target.dataDir().toString(),
                target.socketDirectory().toString(),
                target.pid());
            return null;
          });
    }
    inParallel(work);
    double secs = (System.nanoTime() - t) / 1e9;
    log.printf(Locale.ROOT, "bench-fleet: %,d instances registered in %.1f s%n", n, secs);
    return secs;
  }

  /** Starts one actor per instance as the API's actor start does (ActorService.launch). */
  private double launch(CmsStore cms, ActorService actors) throws Exception {
    long t = System.nanoTime();
    List<Callable<Void>> work = new ArrayList<>(n);
    for (InstanceRecord r : cms.listLive()) {
      work.add(
          () -> {
            actors.launch(r, null, "actor started by the fleet benchmark");
            return null;
          });
    }
    inParallel(work);
    double secs = (System.nanoTime() - t) / 1e9;
    log.printf(Locale.ROOT, "bench-fleet: %,d actors started in %.1f s%n", n, secs);
    return secs;
  }

  private static void inParallel(List<Callable<Void>> work) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      for (Future<Void> f : pool.invokeAll(work)) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Waits until every instance has had a check; returns how many never had one (timeout). */
  private int awaitFirstSweep(Connection m) throws Exception {
    long deadline = System.nanoTime() + SWEEP_TIMEOUT.toNanos();
    long lastLog = System.nanoTime();
    while (true) {
      int checked =
          (int)
              queryLong(
                  m,
                  "SELECT count(*) FROM " + CMS + ".instances WHERE last_health_check IS NOT NULL");
      if (checked >= n) {
        return 0;
      }
      if (System.nanoTime() > deadline) {
        log.printf(
            Locale.ROOT,
            "bench-fleet: %,d instances still had no check after %s; measuring anyway%n",
            n - checked,
            Durations.format(SWEEP_TIMEOUT));
        return n - checked;
      }
      if (System.nanoTime() - lastLog > 10e9) {
        log.printf(Locale.ROOT, "bench-fleet: %,d of %,d instances checked once%n", checked, n);
        lastLog = System.nanoTime();
      }
      Thread.sleep(500);
    }
  }

  private Lateness.Result lateness(Connection m, Instant from, Instant to) throws SQLException {
    Map<UUID, List<Instant>> checks = new HashMap<>();
    try (Statement st = m.createStatement();
        ResultSet rs = st.executeQuery("SELECT id FROM " + CMS + ".instances")) {
      while (rs.next()) {
        checks.put(rs.getObject(1, UUID.class), new ArrayList<>());
      }
    }
    try (PreparedStatement ps =
        m.prepareStatement(
            "SELECT instance_id, checked_at FROM "
                + CMS
                + ".instance_health_checks WHERE checked_at < ? ORDER BY instance_id, checked_at")) {
      ps.setObject(1, OffsetDateTime.ofInstant(to, ZoneOffset.UTC));
      ps.setFetchSize(10_000);
      m.setAutoCommit(false);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          checks
              .computeIfAbsent(rs.getObject(1, UUID.class), k -> new ArrayList<>())
              .add(rs.getObject(2, OffsetDateTime.class).toInstant());
        }
      } finally {
        m.commit();
        m.setAutoCommit(true);
      }
    }
    return Lateness.compute(checks, interval, from, to);
  }

  /** Everything measured at the edges of the window. */
  private record Snapshot(
      Instant dbNow,
      long wallNanos,
      long jvmCpuNanos,
      ProcCpu.Machine machine,
      long metaTicks,
      long targetTicks,
      long dbSize,
      long cmsBytes,
      long engineBytes,
      long gcMillis) {}

  private Snapshot snapshot(Connection m, String engineSchema) throws SQLException {
    Instant now;
    long size;
    long cms;
    long eng;
    try (PreparedStatement ps =
        m.prepareStatement(
            """
            SELECT clock_timestamp(), pg_database_size(current_database()),
              coalesce(sum(pg_total_relation_size(c.oid)) FILTER (WHERE n.nspname = ?), 0),
              coalesce(sum(pg_total_relation_size(c.oid)) FILTER (WHERE n.nspname = ?), 0)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'm')""")) {
      ps.setString(1, CMS);
      ps.setString(2, engineSchema);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        now = rs.getObject(1, OffsetDateTime.class).toInstant();
        size = rs.getLong(2);
        cms = rs.getLong(3);
        eng = rs.getLong(4);
      }
    }
    long targetTicks = 0;
    for (PostgresServer p : env.targets()) {
      long ticks = ProcCpu.tree(p.pid());
      targetTicks = ticks < 0 || targetTicks < 0 ? -1 : targetTicks + ticks;
    }
    long gc = 0;
    for (GarbageCollectorMXBean g : ManagementFactory.getGarbageCollectorMXBeans()) {
      gc += Math.max(0, g.getCollectionTime());
    }
    return new Snapshot(
        now,
        System.nanoTime(),
        ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime(),
        ProcCpu.machine(),
        ProcCpu.tree(env.meta().server().pid()),
        targetTicks,
        size,
        cms,
        eng,
        gc);
  }

  /** Samples heap use and queue depths once a second during the window, on its own connection. */
  private static final class Sampler {
    private final Connection c;
    private final String query;
    private final Thread thread;
    private final double[] sums = new double[3];
    private volatile boolean running = true;
    private long samples;
    private long heapPeak;

    Sampler(Connection c, String engineSchema) {
      this.c = c;
      this.query =
          """
          SELECT (SELECT count(*) FROM %1$s.activity_queue WHERE lock_token IS NULL AND visible_at <= now()),
                 (SELECT count(*) FROM %1$s.activity_queue WHERE lock_token IS NOT NULL),
                 (SELECT count(DISTINCT instance_id) FROM %1$s.orchestrator_queue WHERE visible_at <= now())"""
              .formatted(engineSchema);
      this.thread = new Thread(this::loop, "bench-fleet-sampler");
      thread.setDaemon(true);
    }

    void start() {
      thread.start();
    }

    void stop() throws Exception {
      running = false;
      thread.interrupt();
      thread.join(10_000);
      c.close();
    }

    private void loop() {
      while (running) {
        heapPeak =
            Math.max(heapPeak, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        try (Statement st = c.createStatement();
            ResultSet rs = st.executeQuery(query)) {
          rs.next();
          synchronized (this) {
            for (int i = 0; i < sums.length; i++) {
              sums[i] += rs.getLong(i + 1);
            }
            samples++;
          }
        } catch (SQLException e) {
          if (running) {
            System.err.println("bench-fleet: sampling failed: " + e.getMessage());
          }
        }
        try {
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    synchronized double average(int i) {
      return samples == 0 ? Double.NaN : sums[i] / samples;
    }

    long heapPeak() {
      return heapPeak;
    }
  }

  private Connection measurementConnection() throws SQLException {
    return DriverManager.getConnection(
        env.meta().jdbcUrl(db), env.meta().user(), env.meta().password());
  }

  private void admin(String sql) throws SQLException {
    try (Connection c =
            DriverManager.getConnection(
                env.meta().jdbcUrl("postgres"), env.meta().user(), env.meta().password());
        Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  private static long queryLong(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
