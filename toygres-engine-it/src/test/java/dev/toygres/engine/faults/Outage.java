package dev.toygres.engine.faults;

import dev.toygres.engine.worker.DurableWorker;
import dev.toygres.engine.worker.LoopHealth;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Watches a worker's loops through an outage: samples {@link DurableWorker#health()} and keeps, per
 * loop, the longest time it went without progress at a sample.
 */
final class Outage {
  private final DurableWorker worker;
  private final Map<String, Duration> longestSilence = new HashMap<>();

  Outage(DurableWorker worker) {
    this.worker = worker;
  }

  /** Samples the worker's health every {@code every} for {@code total}. */
  void watchFor(Duration total, Duration every) throws InterruptedException {
    long end = System.nanoTime() + total.toNanos();
    while (System.nanoTime() < end) {
      sample();
      Thread.sleep(every.toMillis());
    }
    sample();
  }

  void sample() {
    Instant now = Instant.now();
    for (LoopHealth h : worker.health()) {
      Duration silence = Duration.between(h.lastProgress(), now);
      longestSilence.merge(h.name(), silence, (a, b) -> a.compareTo(b) >= 0 ? a : b);
    }
  }

  /** The longest silence of any loop. */
  Duration longestSilence() {
    return longestSilence.values().stream().max(Duration::compareTo).orElse(Duration.ZERO);
  }

  Map<String, Duration> silences() {
    return Map.copyOf(longestSilence);
  }
}
