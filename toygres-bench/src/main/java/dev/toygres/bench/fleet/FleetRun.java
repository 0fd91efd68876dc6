package dev.toygres.bench.fleet;

import dev.toygres.bench.fleet.FleetResult.Purge;
import dev.toygres.bench.fleet.FleetResult.Shape;
import dev.toygres.bench.fleet.FleetResult.Timings;
import dev.toygres.controlplane.actor.ActorSupervisor;
import dev.toygres.controlplane.config.Durations;
import dev.toygres.controlplane.config.ServerConfig;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Locale;

/**
 * One configuration of the fleet benchmark, in phases: a fresh metadata database and the server's
 * wiring ({@link RunWiring}); N instances registered and their actors started ({@link
 * FleetPopulation}); the first sweep ({@link FirstSweep}); a settling time; the measured window
 * ({@link Window}, {@link HealthChecks}); the doctor ({@link DoctorTiming}) and the purge; with
 * {@code --recovery} the engine's state lost and the recovery timed ({@link EngineLoss}); then
 * everything of this run stopped and its database dropped. With {@code --servers N}, N - 1
 * worker-only processes ({@link FleetWorkers}) run from the worker's start until the doctor's end,
 * and each process's work in the window is counted.
 */
final class FleetRun {
  private final FleetEnvironment env;
  private final FleetSettings s;
  private final Shape shape;
  private final String db;
  private final PrintStream log;
  private RunWiring wiring;
  private FleetWorkers others = FleetWorkers.none();
  private long launchStartNanos;

  FleetRun(FleetEnvironment env, FleetSettings s, Shape shape, int number, PrintStream log) {
    this.env = env;
    this.s = s;
    this.shape = shape;
    this.db = "fleet_run_" + number;
    this.log = log;
  }

  FleetResult run() throws Exception {
    log.printf(
        Locale.ROOT,
        "%nbench-fleet: run %s: %,d instances, interval %s, %d activity slots, pool %d%n",
        db,
        shape.instances(),
        Durations.format(shape.interval()),
        shape.activitySlots(),
        shape.poolSize());
    admin("CREATE DATABASE " + db);
    try {
      return measure();
    } finally {
      admin("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
    }
  }

  private FleetResult measure() throws Exception {
    boolean counted = s.servers() > 1;
    wiring = RunWiring.start(env, shape, s.probeTimeout(), db, counted);
    try (Connection m = connection()) {
      Timings timings = populate(m);
      RunWiring w = wiring;
      String schema = w.engine.store().schema();
      log.printf(Locale.ROOT, "bench-fleet: measuring for %s%n", Durations.format(s.duration()));
      Window window =
          Window.measure(
              m,
              new Sampler(connection(), schema),
              schema,
              env,
              s.duration(),
              counted ? () -> WorkCounts.of("main", w.meters) : null,
              others);
      long windowEndNanos = System.nanoTime();
      log.printf(
          Locale.ROOT,
          "bench-fleet: the benchmark's sampling took %s of the metadata PostgreSQL's CPU in the"
              + " window, left out of the control plane's%n",
          window.samplerTicks() < 0
              ? "an unknown share (so its figure is unknown)"
              : Math.round(window.samplerTicks() * 1000 / ProcCpu.TICKS_PER_SECOND) + " ms");
      Instant from = window.start().dbNow();
      Instant to = window.end().dbNow();
      Lateness.Result late = HealthChecks.lateness(m, shape.interval(), from, to);
      FleetResult.ProbeTimes probes = HealthChecks.probeTimes(m, from, to);
      DoctorTiming doctor =
          new DoctorTiming(w.engine, ServerConfig.defaults().staleAfter(), s.doctorRuns());
      doctor.whileBusy();
      others.stop();
      Purge purge = purge(w, to, windowEndNanos - launchStartNanos);
      w.stopWorker();
      FleetResult.Doctor idleDoctor = doctor.thenIdle();
      FleetResult.Recovery recovery = null;
      if (s.recovery()) {
        recovery =
            EngineLoss.run(
                w,
                m,
                shape.instances(),
                () -> RunWiring.start(env, shape, s.probeTimeout(), db, false),
                next -> wiring = next,
                log);
      }
      wiring.stopWorker();
      FleetResult r =
          new FleetResult(
              shape,
              timings,
              FleetResult.Throughput.of(from, late.checksInWindow(), window.dbSeconds(), shape),
              FleetResult.Punctuality.of(late, shape.interval()),
              probes,
              window.cpu(late.checksInWindow(), !env.poolers().isEmpty()),
              window.memory(),
              window.queues(),
              window.growth(),
              purge,
              idleDoctor,
              window.servers(),
              recovery);
      logSummary(r);
      return r;
    } finally {
      long t = System.nanoTime();
      others.stop();
      wiring.close();
      log.printf(
          Locale.ROOT, "bench-fleet: worker stopped in %.1f s%n", (System.nanoTime() - t) / 1e9);
    }
  }

  /**
   * Registers the fleet, starts the worker (and the other servers' workers), the actors and the
   * supervisor; waits until every instance was checked once, and settles.
   */
  private Timings populate(Connection m) throws Exception {
    RunWiring w = wiring;
    FleetPopulation fleet = new FleetPopulation(env, shape.instances(), log);
    double registerSeconds = fleet.register(w.cms);
    w.startWorker();
    if (s.servers() > 1) {
      others =
          FleetWorkers.start(s.servers() - 1, env, db, shape, s.probeTimeout(), s.dataDir(), log);
    }
    long launchStart = System.nanoTime();
    launchStartNanos = launchStart;
    double launchSeconds = fleet.launch(w.cms, w.actors);
    // after the launch: its first round would otherwise "repair" the instances not yet launched
    ActorSupervisor.ensureRunning(w.engine.client());
    int neverChecked = FirstSweep.await(m, shape.instances(), log);
    double sweepSeconds = (System.nanoTime() - launchStart) / 1e9;
    log.printf(
        Locale.ROOT,
        "bench-fleet: every instance checked once %.1f s after the launch began%n",
        sweepSeconds);
    double warmupSeconds;
    if (s.warmup() != null) {
      log.printf(Locale.ROOT, "bench-fleet: settling %s%n", Durations.format(s.warmup()));
      Thread.sleep(s.warmup().toMillis());
      warmupSeconds = s.warmup().toMillis() / 1e3;
    } else {
      warmupSeconds = Settling.await(m, shape.instances(), shape.interval(), log);
    }
    return new Timings(registerSeconds, launchSeconds, sweepSeconds, neverChecked, warmupSeconds);
  }

  /**
   * The pruner's engine purge, here of every execution that ended before the window's end, {@code
   * sinceLaunchNanos} after the launch began.
   */
  private static Purge purge(RunWiring w, Instant before, long sinceLaunchNanos) {
    long t = System.nanoTime();
    int purged = w.engine.client().purge(before);
    return new Purge(purged, (System.nanoTime() - t) / 1e9, sinceLaunchNanos / 1e9);
  }

  private void logSummary(FleetResult r) {
    log.printf(
        Locale.ROOT,
        "bench-fleet: %,d instances at %s: %.1f iterations/s of %.1f ideal, lateness p50 %.0f ms"
            + " p99 %.0f ms, control-plane CPU %.1f ms per iteration, doctor %.0f ms%n",
        shape.instances(),
        Durations.format(shape.interval()),
        r.throughput().perSecond(),
        r.throughput().idealPerSecond(),
        r.punctuality().p50Ms(),
        r.punctuality().p99Ms(),
        r.cpu().controlPlaneMsPerIteration(),
        r.doctor().medianMs());
  }

  private Connection connection() throws SQLException {
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
}
