package dev.toygres.engine.kit;

import dev.toygres.engine.orchestration.ActivityOptions;
import dev.toygres.engine.orchestration.RetryPolicy;
import dev.toygres.engine.orchestration.Task;
import dev.toygres.engine.worker.Registry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The orchestrations whose histories are recorded in {@code src/test/resources/histories}. Changing
 * them in a way that old histories do not replay makes {@link RecordedHistoryReplayTest} fail: that
 * is the point. (A deliberate, versioned change registers a new version and keeps the old code.)
 */
final class RecordedOrchestrations {
  static final Map<String, AtomicInteger> FLAKY_ATTEMPTS = new ConcurrentHashMap<>();

  /** State carried from one execution of the chain to the next. */
  record Chain(int round, List<String> log) {}

  private RecordedOrchestrations() {}

  /** The recorded orchestrations without activities: all that replay needs. */
  static Registry.Builder orchestrations() {
    return Registry.builder()
        // fan-out: squares in parallel, then a child sums them
        .orchestration(
            "fan-out",
            Integer.class,
            (ctx, n) -> {
              List<Task<Integer>> squares = new ArrayList<>();
              for (int i = 1; i <= n; i++) {
                squares.add(ctx.callActivity("square", i, Integer.class));
              }
              List<Integer> values = ctx.allOf(squares).await();
              int total = ctx.callSubOrchestration("sum", values, Integer.class).await();
              ctx.logger().info("fan-out of {} gave {}", n, total);
              return total;
            })
        .orchestration(
            "sum",
            Integer[].class,
            (ctx, values) -> {
              int total = 0;
              for (int v : values) {
                total += v;
              }
              return total;
            })
        // retry: an activity that fails twice, exponential backoff
        .orchestration(
            "retry",
            String.class,
            (ctx, key) ->
                "retried: "
                    + ctx.callActivity(
                            "flaky",
                            key,
                            String.class,
                            ActivityOptions.retry(
                                RetryPolicy.exponential(
                                    4, Duration.ofMillis(50), Duration.ofSeconds(1))))
                        .await())
        // timer and event: a timer, then an approval with a timeout, then a deterministic id
        .orchestration(
            "timer-and-event",
            String.class,
            (ctx, in) -> {
              ctx.setCustomStatus("waiting for approval");
              ctx.createTimer(Duration.ofMillis(200)).await();
              String approval =
                  ctx.waitForEvent("approve", String.class, Duration.ofSeconds(30)).await();
              UUID ticket = ctx.newUuid();
              ctx.setCustomStatus("approved");
              return in + " approved by " + approval + " ticket " + ticket;
            })
        // continue-as-new chain: one "tick" per execution, three executions
        .orchestration(
            "continue-as-new-chain",
            Chain.class,
            (ctx, c) -> {
              String tick = ctx.waitForEvent("tick", String.class).await();
              String echoed =
                  ctx.callActivity("echo", tick + "#" + c.round(), String.class).await();
              List<String> log = new ArrayList<>(c.log());
              log.add(echoed);
              if (c.round() < 3) {
                ctx.continueAsNew(new Chain(c.round() + 1, log));
              }
              return log;
            });
  }

  /** Orchestrations and the activities they call, for live runs. */
  static Registry registry() {
    return orchestrations()
        .activity("square", Integer.class, (c, i) -> i * i)
        .activity("echo", String.class, (c, s) -> s)
        .activity(
            "flaky",
            String.class,
            (c, key) -> {
              int n =
                  FLAKY_ATTEMPTS.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
              if (n <= 2) {
                throw new IllegalStateException("flaky attempt " + n);
              }
              return key + " on attempt " + n;
            })
        .build();
  }
}
