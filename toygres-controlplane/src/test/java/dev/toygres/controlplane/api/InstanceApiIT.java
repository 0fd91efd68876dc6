package dev.toygres.controlplane.api;

import static dev.toygres.controlplane.api.HttpApiTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toygres.controlplane.testkit.TestServer;
import dev.toygres.testkit.TestHttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The instance and actor routes end to end: the real instance and actor services, lifecycle
 * orchestrations and instance actors on a real engine, a CMS in a fresh database, and real
 * PostgreSQL servers as instances.
 */
class InstanceApiIT {
  static final String PASSWORD = "correct-horse-battery-1";
  static final Duration WAIT = Duration.ofSeconds(120);
  static TestServer server;
  static TestHttpClient client;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start("instance-api", 32432);
    client = TestHttpClient.local(server.server().port(), TestServer.TOKEN);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** Waits through the API until the orchestration has ended; returns its status. */
  private static String awaitEnd(String orchestrationId) {
    String[] status = new String[1];
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              status[0] =
                  client
                      .get("/api/orchestrations/" + orchestrationId)
                      .json()
                      .get("status")
                      .asText();
              return !status[0].equals("running");
            });
    return status[0];
  }

  @Test
  void anInstanceLivesThroughTheApiFromCreateToDelete() throws Exception {
    int version = 18;
    TestHttpClient.Response created =
        client.post(
            "/api/instances",
            "{\"name\":\"api-db1\",\"password\":\""
                + PASSWORD
                + "\",\"postgres_version\":"
                + version
                + ",\"storage_size_gb\":2}");
    assertThat(created.status()).as(created.raw()).isEqualTo(202);
    JsonNode c = created.json();
    assertThat(c.get("instance_name").asText()).isEqualTo("api-db1");
    assertThat(c.get("k8s_name").asText()).startsWith("api-db1-");
    String createId = c.get("orchestration_id").asText();
    assertThat(client.get("/api/orchestrations/" + createId).status()).isEqualTo(200);
    completes(createId);

    JsonNode d = detail("api-db1");
    assertThat(d.get("state").asText()).isEqualTo("running");
    assertThat(d.get("id").asText()).hasSize(36);
    assertThat(d.get("k8s_name").asText()).isEqualTo(c.get("k8s_name").asText());
    assertThat(d.get("postgres_version").asText()).isEqualTo(Integer.toString(version));
    assertThat(d.get("storage_size_gb").asInt()).isEqualTo(2);
    assertThat(d.get("create_orchestration_id").asText()).isEqualTo(createId);
    assertThat(d.get("monitoring_enabled").asBoolean()).isTrue();
    assertThat(d.get("created_at").asText()).endsWith("Z");
    assertThat(d.get("connection_string").asText())
        .startsWith("postgresql://")
        .contains(":****@127.0.0.1:");
    String actorId = d.get("instance_actor_orchestration_id").asText();
    assertThat(d.get("actor").get("id").asText()).isEqualTo(actorId);
    assertThat(d.get("actor").get("status").asText()).isEqualTo("running");
    assertThat(d.get("actor").has("diagnosis")).isTrue();
    JsonNode dp = d.get("data_plane");
    assertThat(dp.get("kind").asText()).isEqualTo("local");
    assertThat(dp.get("host").asText()).isEqualTo("127.0.0.1");
    assertThat(d.get("connection_string").asText()).contains(":" + dp.get("port").asInt() + "/");
    assertThat(dp.get("pid").asLong()).isPositive();
    assertThat(dp.get("data_dir").asText()).contains(c.get("k8s_name").asText());
    assertThat(client.get("/api/instances/api-db1").raw()).doesNotContain(PASSWORD, "v1:");

    JsonNode list = client.get("/api/instances").json();
    JsonNode summary = find(list, "api-db1");
    assertThat(summary.get("state").asText()).isEqualTo("running");
    assertThat(summary.get("instance_actor_orchestration_id").asText()).isEqualTo(actorId);
    assertThat(summary.get("port").asInt()).isEqualTo(dp.get("port").asInt());
    assertThat(client.get("/api/instances").raw()).doesNotContain(PASSWORD);

    await()
        .atMost(WAIT)
        .until(() -> client.get("/api/instances/api-db1/health-checks?limit=5").json().size() >= 2);
    JsonNode checks = client.get("/api/instances/api-db1/health-checks?limit=5").json();
    assertThat(checks.size()).isBetween(2, 5);
    assertNewestFirst(checks, "checked_at");
    assertThat(checks.get(0).get("status").asText()).isEqualTo("healthy");
    assertThat(checks.get(0).get("details").isObject()).isTrue();
    assertThat(checks.get(0).get("actor_id").asText()).isEqualTo(actorId);
    assertThat(client.get("/api/instances/api-db1/health-checks?limit=1").json().size())
        .isEqualTo(1);
    assertThat(detail("api-db1").get("health_status").asText()).isEqualTo("healthy");
    allowedActionsAndRecentChecksOfARunningInstance();

    JsonNode events = client.get("/api/instances/api-db1/events").json();
    assertThat(events.size()).isGreaterThanOrEqualTo(2);
    assertNewestFirst(events, "created_at");
    assertThat(events.findValuesAsText("new_state")).contains("running");
    for (JsonNode e : events) {
      assertThat(e.get("metadata").isNull() || e.get("metadata").isContainerNode()).isTrue();
    }

    assertThat(
            assertError(
                client.post(
                    "/api/instances", "{\"name\":\"api-db1\",\"password\":\"" + PASSWORD + "\"}"),
                409))
        .contains("api-db1");

    lifecycle("stop", "stopped");
    assertThat(detail("api-db1").get("data_plane").get("pid").isNull()).isTrue();
    assertThat(allowed(detail("api-db1")))
        .containsExactly("start", "restart", "delete", "actor.restart", "actor.cancel");
    assertThat(allowed(find(client.get("/api/instances").json(), "api-db1")))
        .isEqualTo(allowed(detail("api-db1")));
    assertError(client.post("/api/instances/api-db1/stop"), 409);
    lifecycle("start", "running");
    lifecycle("restart", "running");

    actors(actorId);

    TestHttpClient.Response deleted = client.delete("/api/instances/api-db1");
    assertThat(deleted.status()).as(deleted.raw()).isEqualTo(202);
    completes(deleted.json().get("orchestration_id").asText());
    assertError(client.get("/api/instances/api-db1"), 404);
    assertThat(client.get("/api/instances").json().findValuesAsText("name"))
        .doesNotContain("api-db1");
  }

  private void actors(String firstActor) throws Exception {
    assertThat(assertError(client.post("/api/instances/api-db1/actor/start"), 409))
        .contains("already has a running actor");

    TestHttpClient.Response restarted = client.post("/api/instances/api-db1/actor/restart");
    assertThat(restarted.status()).as(restarted.raw()).isEqualTo(200);
    JsonNode r = restarted.json();
    assertThat(r.get("instance_name").asText()).isEqualTo("api-db1");
    assertThat(r.get("status").asText()).isEqualTo("restarted");
    assertThat(r.get("previous_actor_id").asText()).isEqualTo(firstActor);
    String second = r.get("actor_id").asText();
    assertThat(second).isNotEqualTo(firstActor);
    assertThat(detail("api-db1").get("actor").get("id").asText()).isEqualTo(second);

    TestHttpClient.Response cancelled = client.post("/api/instances/api-db1/actor/cancel");
    assertThat(cancelled.status()).as(cancelled.raw()).isEqualTo(200);
    assertThat(cancelled.json().get("status").asText()).isEqualTo("cancelled");
    assertThat(cancelled.json().get("actor_id").asText()).isEqualTo(second);
    assertThat(cancelled.json().has("previous_actor_id")).isFalse();
    awaitEnd(second);
    JsonNode off = detail("api-db1");
    assertThat(off.get("monitoring_enabled").asBoolean()).isFalse();
    assertThat(off.get("actor").get("status").asText()).isEqualTo("cancelled");
    assertThat(allowed(off))
        .containsExactly(
            "stop",
            "restart",
            "delete",
            "password",
            "scale",
            "actor.start",
            "actor.restart",
            "actor.recover");
    assertThat(assertError(client.post("/api/instances/api-db1/actor/cancel"), 409))
        .contains("no running actor");

    TestHttpClient.Response started = client.post("/api/instances/api-db1/actor/start");
    assertThat(started.status()).as(started.raw()).isEqualTo(200);
    assertThat(started.json().get("status").asText()).isEqualTo("started");
    assertThat(started.json().has("previous_actor_id")).isFalse();
    assertThat(detail("api-db1").get("monitoring_enabled").asBoolean()).isTrue();
  }

  /**
   * A running, healthy instance with its actor: what it allows (to an admin, and nothing to a
   * viewer), and its newest checks in the list, newest first, at most 30.
   */
  private void allowedActionsAndRecentChecksOfARunningInstance() {
    List<String> running =
        List.of("stop", "restart", "delete", "password", "scale", "actor.restart", "actor.cancel");
    assertThat(allowed(detail("api-db1"))).containsExactlyElementsOf(running);
    int kept = client.get("/api/instances/api-db1/health-checks?limit=1000").json().size();
    JsonNode line = find(client.get("/api/instances").json(), "api-db1");
    assertThat(allowed(line)).containsExactlyElementsOf(running);
    JsonNode recent = line.get("recent_checks");
    assertThat(recent.size())
        .isBetween(Math.min(kept, InstanceHandlers.RECENT_CHECKS), InstanceHandlers.RECENT_CHECKS);
    assertNewestFirst(recent, "checked_at");
    JsonNode newest = recent.get(0);
    List<String> fields = new ArrayList<>();
    newest.fieldNames().forEachRemaining(fields::add);
    assertThat(fields).containsExactlyInAnyOrder("checked_at", "status", "response_time_ms");
    assertThat(newest.get("status").asText()).isEqualTo("healthy");
    assertThat(newest.get("response_time_ms").asDouble()).isPositive();

    TestHttpClient.Response token =
        client.post("/api/tokens", "{\"name\":\"api-viewer\",\"role\":\"viewer\"}");
    assertThat(token.status()).as(token.raw()).isEqualTo(201);
    TestHttpClient viewer = client.withToken(token.json().get("token").asText());
    assertThat(viewer.get("/api/instances/api-db1").json().get("allowed_actions")).isEmpty();
    assertThat(find(viewer.get("/api/instances").json(), "api-db1").get("allowed_actions"))
        .isEmpty();
  }

  private static List<String> allowed(JsonNode instance) {
    List<String> out = new ArrayList<>();
    instance.get("allowed_actions").forEach(a -> out.add(a.asText()));
    return out;
  }

  @Test
  void unknownInstancesAre404OnEveryRoute() {
    String[][] routes = {
      {"GET", ""},
      {"DELETE", ""},
      {"POST", "/stop"},
      {"POST", "/start"},
      {"POST", "/restart"},
      {"GET", "/health-checks"},
      {"GET", "/events"},
      {"POST", "/actor/start"},
      {"POST", "/actor/restart"},
      {"POST", "/actor/cancel"},
    };
    for (String[] route : routes) {
      TestHttpClient.Response r = client.method(route[0], "/api/instances/no-such-db" + route[1]);
      assertThat(assertError(r, 404)).as(route[0] + " " + route[1]).contains("no-such-db");
    }
  }

  @Test
  void theServiceRefusesInvalidRequestsWith400() {
    String ok = "\"password\":\"" + PASSWORD + "\"";
    assertThat(assertError(client.post("/api/instances", "{\"name\":\"1db\"," + ok + "}"), 400))
        .contains("starting with a letter");
    assertThat(
            assertError(
                client.post("/api/instances", "{\"name\":\"db2\",\"password\":\"short\"}"), 400))
        .contains("password is too short");
    assertThat(
            assertError(
                client.post(
                    "/api/instances", "{\"name\":\"db2\"," + ok + ",\"postgres_version\":\"9\"}"),
                400))
        .contains("not available");
    assertThat(
            assertError(
                client.post(
                    "/api/instances", "{\"name\":\"db2\"," + ok + ",\"storage_size_gb\":5000}"),
                400))
        .contains("storage_size_gb");
    assertThat(client.get("/api/instances").json().findValuesAsText("name")).doesNotContain("db2");
  }

  private void lifecycle(String action, String expectedState) throws Exception {
    TestHttpClient.Response r = client.post("/api/instances/api-db1/" + action);
    assertThat(r.status()).as(action + ": " + r.raw()).isEqualTo(202);
    completes(r.json().get("orchestration_id").asText());
    assertThat(detail("api-db1").get("state").asText()).isEqualTo(expectedState);
  }

  private static void completes(String orchestrationId) throws Exception {
    assertThat(awaitEnd(orchestrationId))
        .as(client.get("/api/orchestrations/" + orchestrationId).raw())
        .isEqualTo("completed");
  }

  private static JsonNode detail(String name) {
    TestHttpClient.Response r = client.get("/api/instances/" + name);
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    return r.json();
  }

  private static JsonNode find(JsonNode list, String name) {
    for (JsonNode i : list) {
      if (i.get("name").asText().equals(name)) {
        return i;
      }
    }
    throw new AssertionError("no " + name + " in " + list);
  }

  private static void assertNewestFirst(JsonNode rows, String timeField) {
    List<Instant> times = new ArrayList<>();
    rows.forEach(r -> times.add(Instant.parse(r.get(timeField).asText())));
    List<Instant> sorted = new ArrayList<>(times);
    sorted.sort(java.util.Comparator.reverseOrder());
    assertThat(times).isEqualTo(sorted);
  }
}
