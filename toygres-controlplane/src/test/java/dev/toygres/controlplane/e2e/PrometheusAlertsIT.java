package dev.toygres.controlplane.e2e;

import static dev.toygres.controlplane.e2e.ActorAsserts.CREATE_WAIT;
import static dev.toygres.controlplane.e2e.ActorAsserts.createHealthy;
import static dev.toygres.controlplane.e2e.ActorAsserts.instance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toygres.controlplane.testkit.Prometheus;
import dev.toygres.controlplane.testkit.TestServer;
import dev.toygres.testkit.TestHttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A real Prometheus (Debian's), started on loopback with the shipped example configuration and
 * alert rules, scraping a real server with two real instances: when one instance's server is
 * killed, Prometheus's own API reports ToygresInstanceDown firing for it and not for the other, and
 * the metrics of docs/metrics.md are in Prometheus.
 */
@ExtendWith(Prometheus.Required.class)
class PrometheusAlertsIT {
  /** Instance servers take ports from here (to FIRST_PORT + 99); Prometheus listens on the last. */
  private static final int FIRST_PORT = 51432;

  private static final int PROMETHEUS_PORT = 51531;

  /**
   * Metrics every server exposes once it runs instances (docs/metrics.md), as Prometheus names them
   * (a Micrometer histogram or timer is checked by its {@code _count} series). Counters of events
   * that did not happen in this test (restarts, failovers, repairs, API errors) are not listed:
   * they appear with their first event.
   */
  static final List<String> ALWAYS_PRESENT =
      List.of(
          // the fleet
          "toygres_instances",
          "toygres_instances_health",
          "toygres_actors",
          "toygres_actor_iterations_total",
          "toygres_probe_duration_seconds_count",
          "toygres_check_lateness_seconds_count",
          // each instance
          "toygres_instance_up",
          "toygres_instance_last_check_timestamp_seconds",
          "toygres_instance_response_seconds",
          "toygres_instance_crash_looping",
          "toygres_instance_member_lag_bytes",
          "toygres_instance_member_lag_seconds",
          "toygres_instance_archive_failures",
          "toygres_instance_archive_lag_segments",
          "toygres_instance_archive_last_success_age_seconds",
          // the engine
          "toygres_engine_queue_ready",
          "toygres_engine_queue_oldest_ready_seconds",
          "toygres_engine_step_duration_seconds_count",
          "toygres_engine_activity_duration_seconds_count",
          "toygres_engine_poisoned_total",
          "toygres_engine_lease_takeovers_total",
          "toygres_engine_commits_total",
          // the control plane itself
          "toygres_supervisor_last_round_timestamp_seconds",
          "toygres_pruner_last_round_timestamp_seconds",
          "toygres_backup_scheduler_last_round_timestamp_seconds",
          "toygres_ready",
          "toygres_live",
          "toygres_health_component_healthy",
          "toygres_http_requests_seconds_count");

  /** The standard Micrometer binders: at least one metric of each family. */
  static final List<String> BINDER_PREFIXES = List.of("jvm_", "process_", "system_", "hikaricp_");

  @BeforeAll
  static void prometheusIsInstalled() {
    Prometheus.requireInstalled();
  }

  @Test
  void aKilledInstanceIsReportedDownByPrometheusAndTheOtherIsNot() throws Exception {
    // A long crash-restart back-off keeps the killed server down past the alert's minute: the
    // actor would otherwise start it again within seconds (docs/actor.md#crash-restart).
    TestServer.Settings settings =
        TestServer.Settings.defaults().withRestartBackoff(List.of(Duration.ofMinutes(30)));
    try (TestServer server = TestServer.start("prometheus-alerts", FIRST_PORT, settings);
        Prometheus prometheus =
            Prometheus.start(PROMETHEUS_PORT, "127.0.0.1:" + server.server().port())) {
      TestHttpClient api = server.api();
      TestHttpClient.Response r =
          api.post(
              "/api/instances",
              Map.of("name", "prom-replicated", "password", "prom-replicated-1", "replicas", 1));
      assertThat(r.status()).as(r.raw()).isEqualTo(202);
      createHealthy(api, "prom-down");
      await()
          .atMost(CREATE_WAIT)
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () -> {
                JsonNode i = instance(api, "prom-replicated");
                assertThat(i.get("health_status").asText()).isEqualTo("healthy");
                assertThat(standbys(i)).hasSize(1);
              });
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofSeconds(1))
          .untilAsserted(
              () -> {
                assertThat(value(prometheus, "toygres_instance_up{name=\"prom-down\"}"))
                    .isEqualTo(1.0);
                assertThat(value(prometheus, "toygres_instance_up{name=\"prom-replicated\"}"))
                    .isEqualTo(1.0);
              });

      long pid = instance(api, "prom-down").get("data_plane").get("pid").asLong();
      ProcessHandle postgres = ProcessHandle.of(pid).orElseThrow();
      postgres.destroyForcibly();
      postgres.onExit().get();
      Instant killed = Instant.now();

      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> alerts(prometheus, "ToygresInstanceDown", "firing").contains("prom-down"));
      Duration toFiring = Duration.between(killed, Instant.now());
      List<String> down = new ArrayList<>(alerts(prometheus, "ToygresInstanceDown", "firing"));
      down.addAll(alerts(prometheus, "ToygresInstanceDown", "pending"));
      assertThat(down).containsExactly("prom-down");
      assertThat(value(prometheus, "toygres_instance_up{name=\"prom-down\"}")).isEqualTo(0.0);
      assertThat(value(prometheus, "toygres_instance_up{name=\"prom-replicated\"}")).isEqualTo(1.0);

      // each standby's lag, labelled with its name as the API shows it
      String standby = standbys(instance(api, "prom-replicated")).get(0);
      JsonNode lag =
          prometheus.query(
              "toygres_instance_member_lag_bytes{name=\"prom-replicated\",member=\""
                  + standby
                  + "\"}");
      assertThat(lag).as("lag of %s", standby).hasSize(1);
      assertThat(prometheus.query("toygres_instance_member_lag_bytes{name=\"prom-down\"}"))
          .isEmpty();

      Set<String> names = new HashSet<>();
      prometheus.api("label/__name__/values").forEach(n -> names.add(n.asText()));
      List<String> missing = new ArrayList<>();
      for (String m : ALWAYS_PRESENT) {
        if (!names.contains(m)) {
          missing.add(m);
        }
      }
      for (String prefix : BINDER_PREFIXES) {
        if (names.stream().noneMatch(n -> n.startsWith(prefix))) {
          missing.add(prefix + "*");
        }
      }
      System.out.printf(
          "ToygresInstanceDown firing %d ms after the SIGKILL (health interval 1 s, scrape and"
              + " evaluation every 1 s, for: 1m)%n",
          toFiring.toMillis());

      // a deleted instance's series leave /metrics
      assertThat(api.delete("/api/instances/prom-down").status()).isEqualTo(202);
      await()
          .atMost(CREATE_WAIT)
          .pollInterval(Duration.ofSeconds(1))
          .untilAsserted(
              () -> assertThat(api.get("/metrics").raw()).doesNotContain("name=\"prom-down\""));
      assertThat(api.get("/metrics").raw()).contains("name=\"prom-replicated\"");

      assertThat(missing).as("metrics missing from Prometheus").isEmpty();
    }
  }

  private static List<String> standbys(JsonNode instance) {
    List<String> out = new ArrayList<>();
    for (JsonNode m : instance.path("members")) {
      if ("standby".equals(m.path("role").asText())) {
        out.add(m.get("name").asText());
      }
    }
    return out;
  }

  /** The names of the instances for which {@code alert} is in {@code state}. */
  private static List<String> alerts(Prometheus prometheus, String alert, String state)
      throws Exception {
    List<String> out = new ArrayList<>();
    for (JsonNode a : prometheus.api("alerts").get("alerts")) {
      if (alert.equals(a.path("labels").path("alertname").asText())
          && state.equals(a.path("state").asText())) {
        out.add(a.path("labels").path("name").asText());
      }
    }
    return out;
  }

  /** The value of a query that has exactly one series, or null when it has none. */
  private static Double value(Prometheus prometheus, String promql) throws Exception {
    JsonNode result = prometheus.query(promql);
    if (result.isEmpty()) {
      return null;
    }
    assertThat(result).as(promql).hasSize(1);
    return Double.valueOf(result.get(0).get("value").get(1).asText());
  }
}
