package dev.toygres.bench.fleet;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The fleet benchmark's settings; every combination of instances x intervals x activity slots is
 * one run. The command line's defaults are the server's ({@link FleetDefaults}).
 *
 * @param warmup settling time after every instance has had its first check; null for the default
 *     ({@link Settling}: at least one interval, until the launch's backlog is gone)
 * @param targetsVia how the instances reach the probe targets
 * @param dataDir the benchmark's directory, wiped at the start
 * @param json print one JSON object per run on the output, the table on the log
 * @param servers server processes sharing the fleet: the benchmark's own worker and {@code servers
 *     - 1} worker-only processes ({@link FleetWorkers}); 1 to {@link #MAX_SERVERS}
 * @param recovery after the window, lose the engine's state and measure how long until every
 *     instance is checked again ({@link EngineLoss}); with one server only
 * @param targetsNice the probe targets' niceness ({@link TargetsNice}): 0 to leave them at the
 *     control plane's priority, up to 19 to serve the control plane first
 */
record FleetSettings(
    List<Integer> instances,
    List<Duration> intervals,
    List<Integer> activitySlots,
    Duration duration,
    Duration warmup,
    int targets,
    TargetsVia targetsVia,
    int poolSize,
    int dispatchers,
    Duration probeTimeout,
    int doctorRuns,
    Path dataDir,
    boolean json,
    int servers,
    boolean recovery,
    int targetsNice) {
  static final int MAX_SERVERS = 8;

  FleetSettings {
    Objects.requireNonNull(targetsVia, "targetsVia");
    Objects.requireNonNull(dataDir, "dataDir");
    instances = List.copyOf(instances);
    intervals = List.copyOf(intervals);
    activitySlots = List.copyOf(activitySlots);
    if (instances.isEmpty() || intervals.isEmpty() || activitySlots.isEmpty()) {
      throw new IllegalArgumentException(
          "--instances, --interval and --activity-slots need a value");
    }
    if (instances.stream().anyMatch(n -> n < 1)
        || activitySlots.stream().anyMatch(n -> n < 1)
        || targets < 1
        || poolSize < 2
        || dispatchers < 1
        || doctorRuns < 1) {
      throw new IllegalArgumentException(
          "--instances, --activity-slots, --targets, --dispatchers and --doctor-runs must be"
              + " positive,"
              + " --pool-size at least 2");
    }
    if (intervals.stream().anyMatch(d -> d.toMillis() < 100)
        || duration.toMillis() < 1000
        || (warmup != null && warmup.isNegative())) {
      throw new IllegalArgumentException(
          "--interval must be at least 100ms, --duration at least 1s, --warmup not negative");
    }
    if (servers < 1 || servers > MAX_SERVERS) {
      throw new IllegalArgumentException("--servers must be between 1 and " + MAX_SERVERS);
    }
    if (recovery && servers > 1) {
      throw new IllegalArgumentException("--recovery runs with one server only (--servers 1)");
    }
    if (targetsNice < 0 || targetsNice > TargetsNice.MAX) {
      throw new IllegalArgumentException("--targets-nice must be between 0 and " + TargetsNice.MAX);
    }
    if (probeTimeout == null || probeTimeout.isNegative() || probeTimeout.isZero()) {
      throw new IllegalArgumentException("--probe-timeout must be positive");
    }
  }

  /** Settings of one server without the recovery phase. */
  FleetSettings(
      List<Integer> instances,
      List<Duration> intervals,
      List<Integer> activitySlots,
      Duration duration,
      Duration warmup,
      int targets,
      TargetsVia targetsVia,
      int poolSize,
      int dispatchers,
      Duration probeTimeout,
      int doctorRuns,
      Path dataDir,
      boolean json) {
    this(
        instances,
        intervals,
        activitySlots,
        duration,
        warmup,
        targets,
        targetsVia,
        poolSize,
        dispatchers,
        probeTimeout,
        doctorRuns,
        dataDir,
        json,
        1,
        false,
        0);
  }
}
