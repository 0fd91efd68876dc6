package dev.toygres.bench.fanout;

import java.util.Locale;

/**
 * One dispatcher count's figures, from the database's own timestamps (created to completed).
 *
 * @param seconds from the first instance created to the last completed
 */
record FanOutResult(
    int concurrency,
    int activitySlots,
    int orchestrations,
    double seconds,
    double orchestrationsPerSecond,
    double activitiesPerSecond,
    double p50Ms,
    double p99Ms,
    double maxMs) {
  FanOutResult {
    if (concurrency < 1 || orchestrations < 0 || seconds < 0) {
      throw new IllegalArgumentException("a run has dispatchers, and counts and time >= 0");
    }
  }

  /** The line the benchmark prints for this run. */
  String line() {
    return String.format(
        Locale.ROOT,
        "dispatchers %2d | %6.1f orchestrations/s | %7.1f activities/s | latency p50 %6.0f ms  p99 %6.0f ms  max %6.0f ms | %d in %.2f s",
        concurrency,
        orchestrationsPerSecond,
        activitiesPerSecond,
        p50Ms,
        p99Ms,
        maxMs,
        orchestrations,
        seconds);
  }
}
