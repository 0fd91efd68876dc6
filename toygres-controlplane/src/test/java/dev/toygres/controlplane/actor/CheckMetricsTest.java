package dev.toygres.controlplane.actor;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CheckMetricsTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration INTERVAL = Duration.ofSeconds(10);

  @Test
  void aCheckIsLateByHowFarItRunsPastThePreviousCheckPlusTheWait() {
    assertThat(CheckMetrics.lateness(T, INTERVAL, T.plusSeconds(13))).isEqualTo(3.0);
    assertThat(CheckMetrics.lateness(T, INTERVAL, T.plusMillis(10_250))).isEqualTo(0.25);
  }

  @Test
  void aCheckWokenEarlyIsNotLate() {
    assertThat(CheckMetrics.lateness(T, INTERVAL, T.plusSeconds(4))).isEqualTo(0.0);
  }

  @Test
  void theWaitThePreviousCheckAskedForSetsTheDueTime() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    CheckMetrics m = new CheckMetrics(registry, INTERVAL);
    UUID id = UUID.randomUUID();

    m.asked(id, 2_000L);
    m.starting(id, T, T.plusSeconds(5));

    var lateness = registry.get("toygres.check.lateness").summary();
    assertThat(lateness.count()).isEqualTo(1);
    assertThat(lateness.totalAmount()).isEqualTo(3.0);
  }

  @Test
  void withoutAWaitRememberedTheIntervalIsAssumed() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    CheckMetrics m = new CheckMetrics(registry, INTERVAL);
    UUID id = UUID.randomUUID();

    m.asked(id, 2_000L);
    m.stopped(id);
    m.starting(id, T, T.plusSeconds(12));

    assertThat(registry.get("toygres.check.lateness").summary().totalAmount()).isEqualTo(2.0);
  }

  @Test
  void everyCheckCountsAsAnIterationButOnlyOneAfterAnEarlierCheckIsMeasured() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    CheckMetrics m = new CheckMetrics(registry, INTERVAL);

    m.starting(UUID.randomUUID(), null, T);
    m.starting(UUID.randomUUID(), T, T.plusSeconds(10));

    assertThat(registry.get("toygres.actor.iterations").counter().count()).isEqualTo(2);
    assertThat(registry.get("toygres.check.lateness").summary().count()).isEqualTo(1);
  }

  @Test
  void theMetricsHaveTheirDocumentedPrometheusNames() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    CheckMetrics m = new CheckMetrics(registry, INTERVAL);
    m.starting(UUID.randomUUID(), T, T.plusSeconds(11));
    CheckMetrics.probeDurations(registry).record(3, TimeUnit.MILLISECONDS);

    String text = registry.scrape();

    assertThat(text)
        .contains("toygres_actor_iterations_total 1.0")
        .contains("toygres_check_lateness_seconds_bucket{le=\"1.0\"} 1")
        .contains("toygres_check_lateness_seconds_count 1")
        .contains("toygres_probe_duration_seconds_bucket{le=\"0.005\"} 1")
        .contains("toygres_probe_duration_seconds_count 1");
  }
}
