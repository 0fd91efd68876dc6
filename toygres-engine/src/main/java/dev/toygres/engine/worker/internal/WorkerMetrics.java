package dev.toygres.engine.worker.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The worker's metrics (docs/metrics.md#engine), counted and timed in memory: step durations by
 * orchestration name, activity durations by activity name and outcome, step commits, poisoned work
 * items and lease takeovers. Without a registry ({@link #NONE}) every call does nothing. Labels are
 * names from the registry, never instance ids, so the series stay few.
 */
public final class WorkerMetrics {
  /** Records nothing. */
  public static final WorkerMetrics NONE = new WorkerMetrics(null);

  static final String STEP = "toygres.engine.step.duration";
  static final String ACTIVITY = "toygres.engine.activity.duration";

  /** Histogram buckets: a few, so that a series per name stays cheap to scrape. */
  private static final Duration[] BUCKETS = {
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30),
    Duration.ofSeconds(60)
  };

  private final MeterRegistry registry;
  private final Counter commits;
  private final Counter poisoned;
  private final Counter takeovers;
  private final Map<String, Timer> steps = new ConcurrentHashMap<>();
  private final Map<String, Timer> completed = new ConcurrentHashMap<>();
  private final Map<String, Timer> failed = new ConcurrentHashMap<>();

  private WorkerMetrics(MeterRegistry registry) {
    this.registry = registry;
    if (registry == null) {
      commits = null;
      poisoned = null;
      takeovers = null;
      return;
    }
    commits =
        Counter.builder("toygres.engine.commits")
            .description("orchestration steps committed by this worker")
            .register(registry);
    poisoned =
        Counter.builder("toygres.engine.poisoned")
            .description(
                "work items (steps or activities) failed by this worker for being dispatched too"
                    + " often")
            .register(registry);
    takeovers =
        Counter.builder("toygres.engine.lease.takeovers")
            .description("work items this worker leased after another lease on them expired")
            .register(registry);
  }

  /** Metrics recorded in {@code registry}, or {@link #NONE} when it is null. */
  public static WorkerMetrics of(MeterRegistry registry) {
    return registry == null ? NONE : new WorkerMetrics(registry);
  }

  /** One orchestration step of {@code orchestration}, from its replay to its commit. */
  public void step(String orchestration, long nanos) {
    if (registry != null) {
      timer(steps, orchestration, n -> timer(STEP, "orchestration", n, "one orchestration step"))
          .record(Duration.ofNanos(nanos));
    }
  }

  /** One activity attempt's code ran for {@code nanos} and completed or failed. */
  public void activity(String name, boolean ok, long nanos) {
    if (registry == null) {
      return;
    }
    String outcome = ok ? "completed" : "failed";
    timer(
            ok ? completed : failed,
            name,
            n ->
                Timer.builder(ACTIVITY)
                    .tag("activity", n)
                    .tag("outcome", outcome)
                    .description("one activity attempt")
                    .serviceLevelObjectives(BUCKETS)
                    .register(registry))
        .record(Duration.ofNanos(nanos));
  }

  public void commits(int n) {
    if (registry != null && n > 0) {
      commits.increment(n);
    }
  }

  public void poisoned() {
    if (registry != null) {
      poisoned.increment();
    }
  }

  public void takeovers(int n) {
    if (registry != null && n > 0) {
      takeovers.increment(n);
    }
  }

  private Timer timer(String name, String tag, String value, String description) {
    return Timer.builder(name)
        .tag(tag, value)
        .description(description)
        .serviceLevelObjectives(BUCKETS)
        .register(registry);
  }

  private static Timer timer(Map<String, Timer> cache, String key, Function<String, Timer> make) {
    return cache.computeIfAbsent(String.valueOf(key), make);
  }
}
