package dev.toygres.bench.fanout;

import dev.toygres.engine.client.DurableClient;
import dev.toygres.engine.orchestration.Task;
import dev.toygres.engine.worker.Registry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The workload: an orchestration that calls {@code fanout} activities of {@code activityMs} in
 * parallel and joins them, started {@code n} times at once.
 */
final class FanOutWorkload {
  static final String ORCHESTRATION = "bench.fanout";
  static final String ACTIVITY = "bench.work";

  private FanOutWorkload() {}

  static Registry registry(int activityMs) {
    return Registry.builder()
        .activity(
            ACTIVITY,
            Integer.class,
            (ctx, i) -> {
              Thread.sleep(activityMs);
              return i;
            })
        .orchestration(
            ORCHESTRATION,
            Integer.class,
            (ctx, n) -> {
              List<Task<Integer>> tasks = new ArrayList<>(n);
              for (int i = 0; i < n; i++) {
                tasks.add(ctx.callActivity(ACTIVITY, i, Integer.class));
              }
              int sum = 0;
              for (int v : ctx.allOf(tasks).await()) {
                sum += v;
              }
              return sum;
            })
        .build();
  }

  /**
   * Starts instances {@code prefix-0} to {@code prefix-(n-1)} from 4 client threads as fast as
   * possible, then waits until all have completed.
   */
  static void runBatch(DurableClient client, String prefix, int n, int fanout) throws Exception {
    ExecutorService starters = Executors.newFixedThreadPool(4);
    for (int i = 0; i < n; i++) {
      String id = prefix + "-" + i;
      starters.execute(() -> client.start(ORCHESTRATION, id, fanout));
    }
    starters.shutdown();
    starters.awaitTermination(10, TimeUnit.MINUTES);
    for (int i = 0; i < n; i++) {
      client.waitForCompletion(prefix + "-" + i, Duration.ofMinutes(10));
    }
  }
}
