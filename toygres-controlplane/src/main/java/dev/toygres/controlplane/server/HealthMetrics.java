package dev.toygres.controlplane.server;

import dev.toygres.controlplane.api.HealthReport;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;

/**
 * The server's own health as gauges (docs/metrics.md#the-server-itself), read from the same report
 * as {@code /health} when scraped (it never waits on the database): {@code toygres_ready}, {@code
 * toygres_live} (1 or 0) and {@code toygres_health_component_healthy{component}} for each component
 * the report had when bound (the metadata database, the embedded server if any, every worker loop);
 * a component missing from a later report reads NaN.
 */
final class HealthMetrics {
  private HealthMetrics() {}

  static void bind(MeterRegistry registry, Supplier<HealthReport> health) {
    Gauge.builder("toygres_ready", () -> health.get().ready() ? 1 : 0)
        .description("1 when /health/ready says ready, else 0")
        .register(registry);
    Gauge.builder("toygres_live", () -> health.get().live() ? 1 : 0)
        .description("1 when /health/live says live, else 0")
        .register(registry);
    for (HealthReport.Component c : health.get().components()) {
      String name = c.name();
      Gauge.builder("toygres_health_component_healthy", () -> healthy(health.get(), name))
          .tag("component", name)
          .description("1 when this component of /health is healthy, else 0")
          .register(registry);
    }
  }

  static double healthy(HealthReport report, String component) {
    return report.components().stream()
        .filter(c -> c.name().equals(component))
        .mapToDouble(c -> c.healthy() ? 1 : 0)
        .findFirst()
        .orElse(Double.NaN);
  }
}
