package dev.toygres.controlplane.server;

import dev.toygres.engine.client.DurableClient;
import dev.toygres.engine.client.QueueStats;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The engine's backlog as gauges (docs/metrics.md#engine): {@code
 * toygres_engine_queue_ready{queue}} and {@code toygres_engine_queue_oldest_ready_seconds{queue}}
 * for {@code orchestrations} and {@code activities}, from {@link DurableClient#queues()} read at
 * most every 5 s (one statement). While the database cannot be read the last values are shown, NaN
 * before the first read. The worker's own step and activity metrics are recorded by the engine (its
 * {@code WorkerOptions}).
 */
final class EngineMetrics {
  static final long EVERY_MILLIS = 5_000;

  private EngineMetrics() {}

  /**
   * @param read reads the queues ({@link DurableClient#queues()})
   */
  static void bind(MeterRegistry registry, Supplier<List<QueueStats>> read) {
    FleetMetrics.Cached<List<QueueStats>> queues = new FleetMetrics.Cached<>(read, EVERY_MILLIS);
    for (String q : List.of(QueueStats.ORCHESTRATIONS, QueueStats.ACTIVITIES)) {
      gauge(registry, "toygres_engine_queue_ready", q, queues, s -> s.ready(), "ready work items");
      gauge(
          registry,
          "toygres_engine_queue_oldest_ready_seconds",
          q,
          queues,
          s -> s.oldestReadyAge().toMillis() / 1000.0,
          "how long the oldest ready work item has waited (0 when none)");
    }
  }

  private static void gauge(
      MeterRegistry registry,
      String name,
      String queue,
      Supplier<List<QueueStats>> queues,
      ToDoubleFunction<QueueStats> value,
      String description) {
    Gauge.builder(
            name,
            () ->
                queues.get().stream()
                    .filter(s -> s.queue().equals(queue))
                    .mapToDouble(value)
                    .findFirst()
                    .orElse(Double.NaN))
        .tag("queue", queue)
        .description(description)
        .register(registry);
  }
}
