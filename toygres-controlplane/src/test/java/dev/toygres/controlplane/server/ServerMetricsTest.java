package dev.toygres.controlplane.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.controlplane.api.HealthReport;
import dev.toygres.controlplane.api.HealthReport.Component;
import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.client.InstanceInfo;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ServerMetricsTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  private static HealthReport report(boolean ready, boolean dbHealthy) {
    return new HealthReport(
        ready ? HealthReport.OK : HealthReport.UNAVAILABLE,
        true,
        ready,
        T,
        List.of(
            new Component(HealthReport.DATABASE, "x", dbHealthy, T, 0.0, null),
            new Component("orchestration-dispatcher-0", "idle", true, T, 0.0, null)));
  }

  @Test
  void readinessAndEachComponentFollowTheCurrentHealthReport() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    AtomicReference<HealthReport> now = new AtomicReference<>(report(true, true));
    HealthMetrics.bind(registry, now::get);

    assertThat(registry.scrape())
        .contains("toygres_ready 1")
        .contains("toygres_live 1")
        .contains("toygres_health_component_healthy{component=\"metadata_database\"} 1")
        .contains("toygres_health_component_healthy{component=\"orchestration-dispatcher-0\"} 1");

    now.set(report(false, false));

    assertThat(registry.scrape())
        .contains("toygres_ready 0")
        .contains("toygres_health_component_healthy{component=\"metadata_database\"} 0");
  }

  @Test
  void aComponentMissingFromTheReportReadsNaN() {
    assertThat(HealthMetrics.healthy(report(true, true), "embedded_postgres")).isNaN();
  }

  @Test
  void aSingletonsLastRoundIsItsLastProgressInUnixSecondsAndNaNWithoutOne() {
    assertThat(ActorMetrics.seconds(null)).isNaN();
    InstanceInfo info = info(T.plusMillis(1500));
    assertThat(ActorMetrics.seconds(info)).isEqualTo(T.getEpochSecond() + 1.5);
  }

  @Test
  void whileTheDatabaseIsUnreachableNoReadIsTriedAndTheLastValueStays() {
    AtomicInteger reads = new AtomicInteger();
    AtomicBoolean reachable = new AtomicBoolean(true);
    FleetMetrics.Cached<Integer> cached =
        new FleetMetrics.Cached<>(GatedRead.of(reachable::get, reads::incrementAndGet), -1);

    assertThat(cached.get()).isEqualTo(1);
    reachable.set(false);
    assertThat(cached.get()).isEqualTo(1);
    assertThat(reads).hasValue(1);
    reachable.set(true);
    assertThat(cached.get()).isEqualTo(2);
  }

  private static InstanceInfo info(Instant progress) {
    return new InstanceInfo(
        "toygres-pruner",
        "pruner",
        "1",
        OrchestrationStatus.RUNNING,
        3,
        T,
        progress,
        null,
        null,
        null,
        null,
        null);
  }
}
