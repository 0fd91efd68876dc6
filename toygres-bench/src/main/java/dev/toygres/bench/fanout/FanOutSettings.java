package dev.toygres.bench.fanout;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The fan-out benchmark's settings: one run per dispatcher count in {@code concurrencies}.
 *
 * @param fanout activities per orchestration
 * @param activityMs how long one activity sleeps
 * @param activitySlots activities running at once in the worker
 * @param databaseUrl an external PostgreSQL, or null for the embedded one in {@code dataDir}
 */
record FanOutSettings(
    int orchestrations,
    int fanout,
    int activityMs,
    List<Integer> concurrencies,
    int activitySlots,
    String databaseUrl,
    Path dataDir) {
  FanOutSettings {
    concurrencies = List.copyOf(concurrencies);
    if (orchestrations < 1 || fanout < 1 || activityMs < 0 || activitySlots < 1) {
      throw new IllegalArgumentException(
          "--orchestrations, --fanout and --activity-slots must be positive, --activity-ms not negative");
    }
    if (concurrencies.isEmpty() || concurrencies.stream().anyMatch(c -> c < 1)) {
      throw new IllegalArgumentException("--concurrency needs positive dispatcher counts");
    }
    Objects.requireNonNull(dataDir, "dataDir");
  }
}
