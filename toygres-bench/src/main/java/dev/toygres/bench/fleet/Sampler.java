package dev.toygres.bench.fleet;

import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Samples heap use and the engine's queue depths once a second, on a connection of its own, whose
 * backend's CPU ({@link #backendTicks}) the window leaves out of the metadata PostgreSQL's:
 * counting the orchestrations with due work reads every due message, which at 20,000 actors behind
 * their rate took 1.7 s of the metadata PostgreSQL's CPU in a 2-minute window (2.4% of it).
 */
final class Sampler {
  private final Connection c;
  private final long backendPid;
  private final String query;
  private final Thread thread;
  private final double[] sums = new double[3];
  private volatile boolean running = true;
  private long samples;
  private long heapPeak;

  Sampler(Connection c, String engineSchema) throws SQLException {
    this.c = c;
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      this.backendPid = rs.getLong(1);
    }
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

  /** Stops sampling; the connection stays open until {@link #close}. */
  void stop() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join(10_000);
  }

  /** Stops sampling if it has not stopped, and closes the connection. */
  void close() throws Exception {
    stop();
    c.close();
  }

  /** The CPU ticks the connection's backend used so far; -1 if unreadable. */
  long backendTicks() {
    return ProcCpu.ticks(backendPid);
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

  /** The average queue depths so far: ready activities, running ones, orchestrations with work. */
  synchronized FleetResult.Queues queues() {
    return new FleetResult.Queues(average(0), average(1), average(2));
  }

  private double average(int i) {
    return samples == 0 ? Double.NaN : sums[i] / samples;
  }

  long heapPeak() {
    return heapPeak;
  }
}
