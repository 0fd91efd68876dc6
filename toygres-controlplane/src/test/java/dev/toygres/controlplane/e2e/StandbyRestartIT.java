package dev.toygres.controlplane.e2e;

import static dev.toygres.controlplane.e2e.ActorAsserts.CREATE_WAIT;
import static dev.toygres.controlplane.e2e.ActorAsserts.awaitEvent;
import static dev.toygres.controlplane.e2e.ActorAsserts.instance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toygres.controlplane.testkit.TestServer;
import dev.toygres.testkit.TestHttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The actor watches every member (issue 11): a standby killed with SIGKILL while its primary is
 * healthy is started again by the instance's actor, and the health history records every member.
 */
class StandbyRestartIT {
  private TestServer server;

  @AfterEach
  void cleanUp() {
    if (server != null) {
      try {
        ActorAsserts.deleteAll(server.api());
      } finally {
        server.close();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"18", "15"})
  void aStandbyKilledWithSigkillIsRestartedByTheActorAndTheHealthHistoryShowsTheMembers(
      String version) throws Exception {
    server = TestServer.start("standby-restart", 44632);
    TestHttpClient api = server.api();
    TestHttpClient.Response created =
        api.post(
            "/api/instances", Map.of("name", "sb-a", "password", "sb-a-secret-1", "replicas", 1));
    assertThat(created.status()).as(created.raw()).isEqualTo(202);
    JsonNode standby = awaitStandby(api, s -> true);
    long killed = standby.get("pid").asLong();

    ProcessHandle p = ProcessHandle.of(killed).orElseThrow();
    p.destroyForcibly();
    p.onExit().get();
    Instant at = Instant.now();

    JsonNode back = awaitStandby(api, s -> s.get("pid").asLong() != killed);
    Duration recovered = Duration.between(at, Instant.now());
    long restarted = back.get("pid").asLong();
    assertThat(ProcessHandle.of(restarted)).isPresent();
    JsonNode e =
        awaitEvent(api, "sb-a", Duration.ofSeconds(10), "standby 1 restarted, pid " + restarted);
    assertThat(e.get("event_type").asText()).isEqualTo("standby_restarted");
    assertThat(api.get("/metrics").raw())
        .containsPattern(
            "toygres_instance_restarts_total\\{[^}]*name=\"sb-a\"[^}]*outcome=\"started\"[^}]*\\}"
                + " 1\\.0");
    JsonNode i = instance(api, "sb-a");
    assertThat(i.get("state").asText()).isEqualTo("running");
    assertThat(i.get("health_status").asText()).isEqualTo("healthy");

    JsonNode seen = awaitCheckWithStreamingStandby(api, restarted);
    JsonNode primary = seen.get(0);
    assertThat(primary.get("role").asText()).isEqualTo("primary");
    assertThat(primary.get("ordinal").asInt()).isZero();
    assertThat(primary.get("health").asText()).isEqualTo("healthy");
    assertThat(primary.get("timeline").asInt()).isEqualTo(1);
    JsonNode s = seen.get(1);
    assertThat(s.get("role").asText()).isEqualTo("standby");
    assertThat(s.get("ordinal").asInt()).isEqualTo(1);
    assertThat(s.get("lag_bytes").asLong()).isGreaterThanOrEqualTo(0);
    assertThat(s.has("lag_seconds")).isTrue();
    assertThat(s.get("timeline").asInt()).isEqualTo(1);
    System.out.printf(
        "standby restart (PostgreSQL %s): streaming again with a new pid %d ms after SIGKILL"
            + " (health interval 1 s)%n",
        version, recovered.toMillis());
  }

  @Test
  void anInstanceWithoutStandbysRecordsNoMembers() throws Exception {
    server = TestServer.start("standby-none", 44732);
    TestHttpClient api = server.api();
    ActorAsserts.createHealthy(api, "sb-none");
    JsonNode checks = api.get("/api/instances/sb-none/health-checks?limit=5").body();
    assertThat(checks).isNotEmpty();
    for (JsonNode c : checks) {
      assertThat(c.has("members")).isTrue();
      assertThat(c.get("members").isNull()).as(c.toString()).isTrue();
    }
  }

  /** Waits until standby 1 is healthy and {@code which} accepts it; returns it. */
  private static JsonNode awaitStandby(
      TestHttpClient api, java.util.function.Predicate<JsonNode> which) {
    JsonNode[] found = new JsonNode[1];
    await()
        .atMost(CREATE_WAIT)
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () -> {
              JsonNode i = instance(api, "sb-a");
              assertThat(i.get("state").asText()).isEqualTo("running");
              JsonNode members = i.get("members");
              assertThat(members).hasSize(2);
              JsonNode s = members.get(1);
              assertThat(s.get("health").asText()).isEqualTo("healthy");
              assertThat(which.test(s)).as(s.toString()).isTrue();
              found[0] = s;
            });
    return found[0];
  }

  /** The members of the newest check that saw standby 1 streaming with pid {@code pid}. */
  private static JsonNode awaitCheckWithStreamingStandby(TestHttpClient api, long pid) {
    List<JsonNode> found = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () -> {
              found.clear();
              for (JsonNode c : api.get("/api/instances/sb-a/health-checks?limit=20").body()) {
                JsonNode m = c.get("members");
                if (m != null
                    && m.isArray()
                    && m.size() == 2
                    && m.get(1).get("pid").asLong() == pid
                    && "healthy".equals(m.get(1).get("health").asText())) {
                  found.add(m);
                }
              }
              assertThat(found).isNotEmpty();
            });
    return found.get(0);
  }
}
