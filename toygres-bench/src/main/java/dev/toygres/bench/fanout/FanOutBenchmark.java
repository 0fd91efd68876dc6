package dev.toygres.bench.fanout;

import dev.toygres.engine.DurableEngine;
import dev.toygres.engine.worker.WorkerOptions;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The fan-out benchmark: N orchestrations started at once, each calling {@code fanout} activities
 * of {@code activityMs} milliseconds in parallel and joining them ({@link FanOutWorkload}). Prints
 * orchestrations/s, activities/s and end-to-end latency percentiles (from the database's own
 * timestamps) for each dispatcher count, each in a fresh schema after a warm-up batch. A benchmark,
 * not a test: it prints figures and never fails on them.
 */
final class FanOutBenchmark {
  private FanOutBenchmark() {}

  /** Runs every dispatcher count of {@code s}; prints a header and one line per run to out. */
  static List<FanOutResult> run(FanOutSettings s, PrintStream out) throws Exception {
    out.printf(
        Locale.ROOT,
        "fan-out benchmark: %d orchestrations x %d activities of %d ms, activity slots %d, database %s%n",
        s.orchestrations(),
        s.fanout(),
        s.activityMs(),
        s.activitySlots(),
        s.databaseUrl() == null ? "embedded PostgreSQL in " + s.dataDir() : "external");
    List<FanOutResult> results = new ArrayList<>();
    for (int c : s.concurrencies()) {
      FanOutResult r = runOne(s, c);
      results.add(r);
      out.println(r.line());
    }
    return results;
  }

  private static FanOutResult runOne(FanOutSettings s, int c) throws Exception {
    String schema = "bench_" + c + "_" + Long.toString(System.nanoTime() % 1_000_000, 36);
    WorkerOptions opts =
        WorkerOptions.defaults()
            .withDispatchers(c, c)
            .withMaxConcurrentActivities(s.activitySlots())
            .withPollInterval(Duration.ofMillis(500));
    try (DurableEngine engine =
        DurableEngine.builder()
            .databaseUrl(s.databaseUrl())
            .dataDir(s.dataDir())
            .schema(schema)
            .registry(FanOutWorkload.registry(s.activityMs()))
            .workerOptions(opts)
            .poolSize(2 * c + 8)
            .start()) {
      FanOutWorkload.runBatch(
          engine.client(), "warm", Math.min(200, s.orchestrations()), s.fanout());
      FanOutWorkload.runBatch(engine.client(), "run", s.orchestrations(), s.fanout());
      FanOutResult r = measure(engine, c, s);
      // the worker stops first: its dispatchers would otherwise poll a dropped schema
      engine.worker().close();
      try (Connection conn = engine.dataSource().getConnection();
          Statement st = conn.createStatement()) {
        st.execute("DROP SCHEMA " + schema + " CASCADE");
      }
      return r;
    }
  }

  /** The "run" batch's figures from the instances' own timestamps. */
  private static FanOutResult measure(DurableEngine engine, int c, FanOutSettings s)
      throws Exception {
    String q =
        """
        SELECT extract(epoch FROM max(completed_at) - min(created_at)),
               percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM completed_at - created_at)),
               percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM completed_at - created_at)),
               max(extract(epoch FROM completed_at - created_at)), count(*)
        FROM %s.instances WHERE instance_id LIKE 'run-%%' AND status = 'completed'"""
            .formatted(engine.store().schema());
    try (Connection conn = engine.dataSource().getConnection();
        Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery(q)) {
      rs.next();
      double secs = rs.getDouble(1);
      int n = rs.getInt(5);
      double ops = n / secs;
      return new FanOutResult(
          c,
          s.activitySlots(),
          n,
          secs,
          ops,
          ops * s.fanout(),
          rs.getDouble(2) * 1000,
          rs.getDouble(3) * 1000,
          rs.getDouble(4) * 1000);
    }
  }
}
