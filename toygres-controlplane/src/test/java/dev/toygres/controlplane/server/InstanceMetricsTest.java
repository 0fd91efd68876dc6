package dev.toygres.controlplane.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.controlplane.actor.RestartPolicy;
import dev.toygres.controlplane.cms.HealthStatus;
import dev.toygres.controlplane.cms.InstanceState;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class InstanceMetricsTest {
  private static final Instant CHECKED = Instant.parse("2026-11-30T12:00:00.250Z");

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicReference<List<InstanceSample>> fleet = new AtomicReference<>(List.of());
  private final InstanceMetrics metrics =
      new InstanceMetrics(
          registry,
          () -> {
            List<InstanceSample> now = fleet.get();
            if (now == null) {
              throw new IllegalStateException("the CMS cannot be read");
            }
            return now;
          },
          0);

  private static InstanceSample sample(String name, InstanceState state, HealthStatus status) {
    return new InstanceSample(name, state, null, CHECKED, status, 12.5, List.of());
  }

  private String scrape() {
    metrics.renew();
    return registry.scrape();
  }

  @Test
  void aRunningInstanceIsUpOnlyWhenItsNewestCheckWasHealthyAndOneNotMeantToRunIsNaN() {
    fleet.set(
        List.of(
            sample("good", InstanceState.RUNNING, HealthStatus.HEALTHY),
            sample("bad", InstanceState.RUNNING, HealthStatus.UNHEALTHY),
            sample("unprobed", InstanceState.RUNNING, HealthStatus.UNKNOWN),
            new InstanceSample("new", InstanceState.RUNNING, null, null, null, null, List.of()),
            sample("parked", InstanceState.STOPPED, HealthStatus.UNKNOWN)));
    String text = scrape();
    assertThat(text)
        .contains("toygres_instance_up{name=\"good\"} 1")
        .contains("toygres_instance_up{name=\"bad\"} 0")
        .contains("toygres_instance_up{name=\"unprobed\"} 0")
        .contains("toygres_instance_up{name=\"new\"} 0")
        .contains("toygres_instance_up{name=\"parked\"} NaN");
  }

  @Test
  void theNewestChecksTimeAndResponseAreShownInSeconds() {
    fleet.set(List.of(sample("db", InstanceState.RUNNING, HealthStatus.HEALTHY)));
    String text = scrape();
    assertThat(text)
        .contains(
            "toygres_instance_last_check_timestamp_seconds{name=\"db\"} "
                + CHECKED.toEpochMilli() / 1000.0)
        .contains("toygres_instance_response_seconds{name=\"db\"} 0.0125");
  }

  @Test
  void aDeletedInstancesSeriesDisappearAtTheNextRead() {
    fleet.set(
        List.of(
            sample("stays", InstanceState.RUNNING, HealthStatus.HEALTHY),
            sample("goes", InstanceState.RUNNING, HealthStatus.HEALTHY)));
    assertThat(scrape()).contains("name=\"goes\"");
    fleet.set(List.of(sample("stays", InstanceState.RUNNING, HealthStatus.HEALTHY)));
    String text = scrape();
    assertThat(text).doesNotContain("name=\"goes\"");
    assertThat(text).contains("toygres_instance_up{name=\"stays\"} 1");
  }

  @Test
  void theLastReadIsShownWhileTheCmsCannotBeRead() {
    fleet.set(List.of(sample("db", InstanceState.RUNNING, HealthStatus.HEALTHY)));
    scrape();
    fleet.set(null);
    assertThat(scrape()).contains("toygres_instance_up{name=\"db\"} 1");
  }

  @Test
  void anInstanceIsCrashLoopingWhileItsActorsHealthReasonSaysSo() {
    RestartPolicy policy = RestartPolicy.DEFAULT;
    String loop = policy.reason(3, 4, Duration.ofMinutes(1));
    String down = policy.reason(0, 1, Duration.ZERO);
    fleet.set(
        List.of(
            new InstanceSample(
                "looping",
                InstanceState.RUNNING,
                loop,
                CHECKED,
                HealthStatus.UNHEALTHY,
                null,
                List.of()),
            new InstanceSample(
                "down",
                InstanceState.RUNNING,
                down,
                CHECKED,
                HealthStatus.UNHEALTHY,
                null,
                List.of()),
            sample("fine", InstanceState.RUNNING, HealthStatus.HEALTHY)));
    String text = scrape();
    assertThat(text)
        .contains("toygres_instance_crash_looping{name=\"looping\"} 1")
        .contains("toygres_instance_crash_looping{name=\"down\"} 0")
        .contains("toygres_instance_crash_looping{name=\"fine\"} 0")
        .contains("toygres_instance_response_seconds{name=\"down\"} NaN");
  }

  @Test
  void eachStandbyHasItsLagAndAnInstanceWithoutReplicasHasNone() {
    List<InstanceSample.StandbyLag> standbys = new ArrayList<>();
    standbys.add(new InstanceSample.StandbyLag("rep-1a2b-s1", 8192.0, 0.25));
    standbys.add(new InstanceSample.StandbyLag("rep-1a2b-s2", null, null));
    fleet.set(
        List.of(
            new InstanceSample(
                "rep", InstanceState.RUNNING, null, CHECKED, HealthStatus.HEALTHY, 3.0, standbys),
            sample("solo", InstanceState.RUNNING, HealthStatus.HEALTHY)));
    String text = scrape();
    assertThat(text)
        .contains("toygres_instance_member_lag_bytes{member=\"rep-1a2b-s1\",name=\"rep\"} 8192")
        .contains("toygres_instance_member_lag_seconds{member=\"rep-1a2b-s1\",name=\"rep\"} 0.25")
        .contains("toygres_instance_member_lag_bytes{member=\"rep-1a2b-s2\",name=\"rep\"} NaN");
    assertThat(text).doesNotContainPattern("toygres_instance_member_lag_\\w+\\{[^}]*\"solo\"");
    // a standby removed by a scale-down loses its series
    fleet.set(
        List.of(
            new InstanceSample(
                "rep",
                InstanceState.RUNNING,
                null,
                CHECKED,
                HealthStatus.HEALTHY,
                3.0,
                standbys.subList(0, 1))));
    assertThat(scrape()).doesNotContain("rep-1a2b-s2");
  }
}
