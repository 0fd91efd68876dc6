package dev.toygres.controlplane.server;

import dev.toygres.controlplane.api.HealthReport;
import dev.toygres.controlplane.api.HealthReport.Component;
import dev.toygres.engine.DatabaseHealth;
import dev.toygres.engine.worker.LoopHealth;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the server for {@code /health}: a thread of its own probes the metadata database every
 * second ({@link DatabaseProbe}), and {@link #report()} combines the last probe with the worker's
 * loop heartbeats without ever waiting on the database, so the health endpoints answer at once
 * whatever the database does. A probe that has been in flight for more than {@link #PROBE_BOUND}
 * counts as unreachable. A worker loop that has not made progress within the liveness threshold
 * makes the server not live.
 */
final class HealthMonitor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HealthMonitor.class);

  /** How long a probe may be in flight before the database counts as unreachable. */
  static final Duration PROBE_BOUND = Duration.ofSeconds(2);

  private static final Duration EVERY = Duration.ofSeconds(1);

  /** One probe of the metadata database; throws when it did not answer. */
  interface Probe extends AutoCloseable {
    void probe() throws SQLException;

    @Override
    void close();
  }

  private final Probe probe;
  private final Supplier<List<LoopHealth>> loops;
  private final Supplier<DatabaseHealth> embedded;
  private final Duration livenessThreshold;
  private final Thread thread;
  private volatile Instant probeStartedAt;
  private volatile Instant lastReachable;
  private volatile boolean lastOk;
  private volatile String lastError = "not probed yet";
  private volatile boolean serving;
  private volatile boolean stopping;

  HealthMonitor(Probe probe, Supplier<List<LoopHealth>> loops, Duration livenessThreshold) {
    this(probe, loops, DatabaseHealth::external, livenessThreshold);
  }

  /**
   * As above, also reporting the watchdog of an embedded metadata database ({@code embedded} is
   * asked on every report and must not block).
   */
  HealthMonitor(
      Probe probe,
      Supplier<List<LoopHealth>> loops,
      Supplier<DatabaseHealth> embedded,
      Duration livenessThreshold) {
    this.probe = probe;
    this.loops = loops;
    this.embedded = embedded;
    this.livenessThreshold = livenessThreshold;
    probeOnce();
    this.thread = new Thread(this::run, "toygres-health-monitor");
    thread.setDaemon(true);
    thread.start();
  }

  /** The server accepts work from now on. */
  void serving() {
    serving = true;
  }

  /** The server is stopping: not ready any more. */
  void stopping() {
    stopping = true;
  }

  private void run() {
    while (!stopping && !Thread.currentThread().isInterrupted()) {
      long started = System.nanoTime();
      try {
        probeOnce();
      } catch (Throwable t) {
        LOG.error("health monitor: probe failed unexpectedly; probing on", t);
      }
      long left = EVERY.toNanos() - (System.nanoTime() - started);
      if (left > 0) {
        try {
          Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  private void probeOnce() {
    probeStartedAt = Instant.now();
    boolean wasOk = lastOk;
    try {
      probe.probe();
      lastReachable = Instant.now();
      lastOk = true;
      lastError = null;
      if (!wasOk) {
        LOG.info("metadata database reachable");
      }
    } catch (SQLException | RuntimeException e) {
      lastOk = false;
      lastError = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      if (wasOk) {
        LOG.warn("metadata database unreachable: {}", lastError);
      }
    } finally {
      probeStartedAt = null;
    }
  }

  /** The server's health now, from the last probe and the loops' heartbeats; never blocks. */
  HealthReport report() {
    Instant now = Instant.now();
    List<Component> components = new ArrayList<>();
    Component db = database(now);
    components.add(db);
    DatabaseHealth watchdog = embedded.get();
    if (watchdog.embedded()) {
      components.add(embeddedServer(watchdog, now));
    }
    boolean live = true;
    for (LoopHealth l : loops.get()) {
      Duration age = Duration.between(l.lastProgress(), now);
      boolean healthy = age.compareTo(livenessThreshold) <= 0;
      live &= healthy;
      components.add(
          new Component(
              l.name(),
              l.state(),
              healthy,
              l.lastProgress(),
              seconds(age),
              healthy
                  ? l.detail()
                  : "no progress for "
                      + age.toSeconds()
                      + "s (liveness threshold "
                      + livenessThreshold.toSeconds()
                      + "s)"
                      + (l.detail() == null ? "" : "; last error: " + l.detail())));
    }
    live &= !stopping;
    boolean ready = serving && !stopping && live && db.healthy();
    String status =
        !serving || stopping
            ? HealthReport.STARTING
            : ready ? HealthReport.OK : HealthReport.UNAVAILABLE;
    return new HealthReport(status, live, ready, now, components);
  }

  private Component database(Instant now) {
    Instant inFlight = probeStartedAt;
    Instant last = lastReachable;
    Double age = last == null ? null : seconds(Duration.between(last, now));
    if (inFlight != null && Duration.between(inFlight, now).compareTo(PROBE_BOUND) > 0) {
      return new Component(
          HealthReport.DATABASE,
          "unreachable",
          false,
          last,
          age,
          "SELECT 1 has not answered for " + Duration.between(inFlight, now).toSeconds() + "s");
    }
    if (!lastOk) {
      return new Component(HealthReport.DATABASE, "unreachable", false, last, age, lastError);
    }
    return new Component(HealthReport.DATABASE, "reachable", true, last, age, null);
  }

  private static Component embeddedServer(DatabaseHealth h, Instant now) {
    String detail =
        h.restarts() == 0
            ? null
            : "restarted "
                + h.restarts()
                + (h.restarts() == 1 ? " time" : " times")
                + " by the watchdog, last at "
                + h.lastRestart()
                + (h.lastError() == null ? "" : "; last error: " + h.lastError());
    return new Component(
        HealthReport.EMBEDDED_DATABASE,
        h.state() == DatabaseHealth.State.RUNNING ? "running" : "restarting",
        h.state() == DatabaseHealth.State.RUNNING,
        h.lastRestart(),
        h.lastRestart() == null ? null : seconds(Duration.between(h.lastRestart(), now)),
        detail);
  }

  private static double seconds(Duration d) {
    return Math.round(d.toMillis() / 100.0) / 10.0;
  }

  @Override
  public void close() {
    stopping = true;
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    probe.close();
  }
}
