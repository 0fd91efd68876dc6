package dev.toygres.bench.fleet;

import dev.toygres.controlplane.actor.ActorSupervisor;
import dev.toygres.controlplane.cms.CmsStore;
import dev.toygres.controlplane.config.Durations;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * {@code --recovery}: the engine's state lost, as after a restore of the metadata database without
 * the engine's schema (docs/operations.md). The control plane is stopped (worker, then pool), the
 * engine's schema dropped, and the control plane started again as a server starts: the engine makes
 * its schema anew, the worker starts, and the supervisor is started; its first round finds every
 * instance's actor {@code missing} and starts a fresh one (docs/actor.md#the-supervisor). Measured:
 * from that start until every instance has a health check newer than it.
 */
final class EngineLoss {
  static final Duration TIMEOUT = FirstSweep.TIMEOUT;

  private EngineLoss() {}

  /**
   * Stops {@code before}, drops its engine's schema, starts a new wiring with {@code restart}
   * (handed to {@code started} at once, so that the caller stops it whatever happens) and waits.
   */
  static FleetResult.Recovery run(
      RunWiring before,
      Connection m,
      int instances,
      WiringStart restart,
      Consumer<RunWiring> started,
      PrintStream log)
      throws Exception {
    String schema = before.engine.store().schema();
    before.close();
    try (Statement st = m.createStatement()) {
      st.execute("DROP SCHEMA " + schema + " CASCADE");
    }
    log.printf(
        Locale.ROOT,
        "bench-fleet: the engine's state lost (schema %s dropped); starting the control plane"
            + " again%n",
        schema);
    OffsetDateTime startedAt = dbNow(m);
    long t = System.nanoTime();
    RunWiring w = restart.start();
    started.accept(w);
    w.startWorker();
    ActorSupervisor.ensureRunning(w.engine.client());
    long deadline = t + TIMEOUT.toNanos();
    long lastLog = System.nanoTime();
    while (true) {
      int fresh = checkedSince(m, startedAt);
      if (fresh >= instances) {
        double secs = (System.nanoTime() - t) / 1e9;
        log.printf(
            Locale.ROOT,
            "bench-fleet: every instance checked again %.1f s after the control plane's start%n",
            secs);
        return new FleetResult.Recovery(secs, 0, instances);
      }
      if (System.nanoTime() > deadline) {
        log.printf(
            Locale.ROOT,
            "bench-fleet: %,d instances still unchecked %s after the restart%n",
            instances - fresh,
            Durations.format(TIMEOUT));
        return new FleetResult.Recovery(
            (System.nanoTime() - t) / 1e9, instances - fresh, instances);
      }
      if (System.nanoTime() - lastLog > 10e9) {
        log.printf(
            Locale.ROOT,
            "bench-fleet: %,d of %,d instances checked since the restart%n",
            fresh,
            instances);
        lastLog = System.nanoTime();
      }
      Thread.sleep(250);
    }
  }

  /** Starts the control plane's engine again (see {@link RunWiring#start}). */
  @FunctionalInterface
  interface WiringStart {
    RunWiring start() throws Exception;
  }

  private static OffsetDateTime dbNow(Connection m) throws SQLException {
    try (Statement st = m.createStatement();
        ResultSet rs = st.executeQuery("SELECT clock_timestamp()")) {
      rs.next();
      return rs.getObject(1, OffsetDateTime.class);
    }
  }

  private static int checkedSince(Connection m, OffsetDateTime t) throws SQLException {
    try (PreparedStatement ps =
        m.prepareStatement(
            "SELECT count(*) FROM " + CmsStore.SCHEMA + ".instances WHERE last_health_check > ?")) {
      ps.setObject(1, t);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }
}
