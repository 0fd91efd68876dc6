package dev.toygres.bench.fanout;

import dev.toygres.engine.DurableEngine;
import dev.toygres.engine.client.DurableClient;
import dev.toygres.engine.orchestration.Task;
import dev.toygres.engine.worker.Registry;
import dev.toygres.engine.worker.WorkerOptions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The fan-out benchmark: N orchestrations started at once, each calling {@code fanout} activities
 * of {@code activityMs} milliseconds in parallel and joining them. Prints orchestrations/s,
 * activities/s and end-to-end latency percentiles (from the database's own timestamps) for each
 * dispatcher count. A benchmark, not a test: it prints figures and never fails on them.
 */
public final class FanOutBenchmark {
  /** Benchmark settings. */
  public record Settings(
      int orchestrations,
      int fanout,
      int activityMs,
      List<Integer> concurrencies,
      int activitySlots,
      String databaseUrl,
      Path dataDir) {}

  /** One configuration's figures. */
  public record Result(
      int concurrency,
      int activitySlots,
      int orchestrations,
      double seconds,
      double orchestrationsPerSecond,
      double activitiesPerSecond,
      double p50Ms,
      double p99Ms,
      double maxMs) {}

  private FanOutBenchmark() {}

  static Registry registry(int fanout, int activityMs) {
    return Registry.builder()
        .activity(
            "bench.work",
            Integer.class,
            (ctx, i) -> {
              Thread.sleep(activityMs);
              return i;
            })
        .orchestration(
            "bench.fanout",
            Integer.class,
            (ctx, n) -> {
              List<Task<Integer>> tasks = new ArrayList<>(n);
              for (int i = 0; i < n; i++) {
                tasks.add(ctx.callActivity("bench.work", i, Integer.class));
              }
              int sum = 0;
              for (int v : ctx.allOf(tasks).await()) {
                sum += v;
              }
              return sum;
            })
        .build();
  }

  /** Runs every configuration and returns the figures (also printed to {@code System.out}). */
  public static List<Result> run(Settings s) throws Exception {
    List<Result> results = new ArrayList<>();
    System.out.printf(
        Locale.ROOT,
        "fan-out benchmark: %d orchestrations x %d activities of %d ms, activity slots %d, database %s%n",
        s.orchestrations(),
        s.fanout(),
        s.activityMs(),
        s.activitySlots(),
        s.databaseUrl() == null ? "embedded PostgreSQL in " + s.dataDir() : "external");
    for (int c : s.concurrencies()) {
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
              .registry(registry(s.fanout(), s.activityMs()))
              .workerOptions(opts)
              .poolSize(2 * c + 8)
              .start()) {
        runBatch(engine.client(), "warm", Math.min(200, s.orchestrations()), s.fanout());
        Result r = measure(engine, c, s);
        results.add(r);
        System.out.printf(
            Locale.ROOT,
            "dispatchers %2d | %6.1f orchestrations/s | %7.1f activities/s | latency p50 %6.0f ms  p99 %6.0f ms  max %6.0f ms | %d in %.2f s%n",
            c,
            r.orchestrationsPerSecond(),
            r.activitiesPerSecond(),
            r.p50Ms(),
            r.p99Ms(),
            r.maxMs(),
            r.orchestrations(),
            r.seconds());
        try (Connection conn = engine.dataSource().getConnection();
            Statement st = conn.createStatement()) {
          st.execute("DROP SCHEMA " + schema + " CASCADE");
        }
      }
    }
    return results;
  }

  private static Result measure(DurableEngine engine, int c, Settings s) throws Exception {
    runBatch(engine.client(), "run", s.orchestrations(), s.fanout());
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
      return new Result(
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

  /** Starts {@code n} instances from 4 client threads as fast as possible and waits for all. */
  private static void runBatch(DurableClient client, String prefix, int n, int fanout)
      throws Exception {
    ExecutorService starters = Executors.newFixedThreadPool(4);
    for (int i = 0; i < n; i++) {
      String id = prefix + "-" + i;
      starters.execute(() -> client.start("bench.fanout", id, fanout));
    }
    starters.shutdown();
    starters.awaitTermination(10, TimeUnit.MINUTES);
    for (int i = 0; i < n; i++) {
      client.waitForCompletion(prefix + "-" + i, Duration.ofMinutes(10));
    }
  }

  /**
   * {@code FanOutBenchmark [orchestrations] [concurrencies e.g. 2,8] [activity slots] [database
   * URL]}.
   */
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    List<Integer> cs = new ArrayList<>();
    for (String p : (args.length > 1 ? args[1] : "2,8").split(",")) {
      cs.add(Integer.parseInt(p.trim()));
    }
    int slots = args.length > 2 ? Integer.parseInt(args[2]) : 100;
    String url = args.length > 3 ? args[3] : System.getenv("DATABASE_URL");
    Path dir = Path.of(System.getProperty("user.home"), ".toygres-bench");
    run(new Settings(n, 5, 10, cs, slots, url, dir));
  }
}
