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
      st.execute(
          "CREATE TEMP TABLE fleet_lost_actors AS SELECT id, instance_actor_orchestration_id AS actor"
              + " FROM "
              + CmsStore.SCHEMA
              + ".instances");
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
    double actorsSeconds = Double.NaN;
    try {
      while (true) {
        int[] p = progress(m, startedAt);
        double secs = (System.nanoTime() - t) / 1e9;
        if (p[0] >= instances && Double.isNaN(actorsSeconds)) {
          actorsSeconds = secs;
          log.printf(
              Locale.ROOT,
              "bench-fleet: every instance has a fresh actor %.1f s after the control plane's"
                  + " start%n",
              secs);
        }
        if (p[1] >= instances) {
          log.printf(
              Locale.ROOT,
              "bench-fleet: every instance checked again %.1f s after the control plane's start%n",
              secs);
          return new FleetResult.Recovery(secs, actorsSeconds, 0, instances);
        }
        if (System.nanoTime() > deadline) {
          log.printf(
              Locale.ROOT,
              "bench-fleet: %,d instances still unchecked %s after the restart%n",
              instances - p[1],
              Durations.format(TIMEOUT));
          return new FleetResult.Recovery(secs, actorsSeconds, instances - p[1], instances);
        }
        if (System.nanoTime() - lastLog > 10e9) {
          log.printf(
              Locale.ROOT,
              "bench-fleet: %,d of %,d instances with a fresh actor, %,d checked since the"
                  + " restart%n",
              p[0],
              instances,
              p[1]);
          lastLog = System.nanoTime();
        }
        Thread.sleep(250);
      }
    } finally {
      try (Statement st = m.createStatement()) {
        st.execute("DROP TABLE IF EXISTS fleet_lost_actors");
      }
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

  /** Instances with an actor other than the lost one, and with a check newer than {@code t}. */
  private static int[] progress(Connection m, OffsetDateTime t) throws SQLException {
    try (PreparedStatement ps =
        m.prepareStatement(
            "SELECT count(*) FILTER (WHERE i.instance_actor_orchestration_id IS DISTINCT FROM"
                + " l.actor),"
                + " count(*) FILTER (WHERE i.last_health_check > ?) FROM "
                + CmsStore.SCHEMA
                + ".instances i JOIN fleet_lost_actors l USING (id)")) {
      ps.setObject(1, t);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new int[] {rs.getInt(1), rs.getInt(2)};
      }
    }
  }
}
