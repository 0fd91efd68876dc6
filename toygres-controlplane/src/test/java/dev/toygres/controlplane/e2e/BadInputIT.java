package dev.toygres.controlplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.toygres.controlplane.testkit.TestServer;
import dev.toygres.testkit.TestHttpClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad input on every route: a 4xx with a JSON error, no stack trace, and nothing changed (the
 * instance list and the orchestration list stay the same).
 */
class BadInputIT {
  private static TestServer server;
  private static TestHttpClient api;
  private static String fleetBefore;
  private static int orchestrationsBefore;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start("badinput", 29432);
    api = server.api();
    assertThat(
            api.post("/api/instances", Map.of("name", "keeper", "password", "keeper-secret"))
                .status())
        .isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () ->
                "healthy"
                    .equals(api.get("/api/instances/keeper").body().get("health_status").asText()));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      try {
        api.delete("/api/instances/keeper");
        await()
            .atMost(Duration.ofSeconds(90))
            .until(() -> api.get("/api/instances/keeper").status() == 404);
      } finally {
        server.close();
      }
    }
  }

  private static String fleet() {
    return api.get("/api/instances").body().findValues("name").toString()
        + api.get("/api/instances/keeper").body().get("state");
  }

  private static int orchestrations() {
    return api.get("/api/orchestrations?limit=1000").body().get("items").size();
  }

  private static void rejected(TestHttpClient.Response r, int status, String containing) {
    assertThat(r.status()).as(r.raw()).isEqualTo(status);
    assertThat(r.error()).as(r.raw()).isNotBlank().containsIgnoringCase(containing);
    assertThat(r.raw()).doesNotContain("Exception").doesNotContain("at dev.toygres");
  }

  @Test
  void badCreateRequestsAreRejectedAndChangeNothing() {
    fleetBefore = fleet();
    orchestrationsBefore = orchestrations();
    rejected(api.postRaw("/api/instances", "{not json"), 400, "json");
    rejected(api.postRaw("/api/instances", ""), 400, "");
    rejected(api.post("/api/instances", Map.of("password", "long-enough-1")), 400, "name");
    rejected(
        api.post("/api/instances", Map.of("name", "x".repeat(41), "password", "long-enough-1")),
        400,
        "too long");
    rejected(
        api.post("/api/instances", Map.of("name", "Bad_Name!", "password", "long-enough-1")),
        400,
        "not valid");
    rejected(
        api.post("/api/instances", Map.of("name", "ends-", "password", "long-enough-1")),
        400,
        "not valid");
    rejected(
        api.post("/api/instances", Map.of("name", "shorty", "password", "short")), 400, "password");
    rejected(
        api.post(
            "/api/instances",
            Map.of("name", "nover", "password", "long-enough-1", "postgres_version", "9")),
        400,
        "18");
    rejected(
        api.post(
            "/api/instances",
            Map.of("name", "big", "password", "long-enough-1", "storage_size_gb", "lots")),
        400,
        "storage_size_gb");
    rejected(
        api.post(
            "/api/instances",
            Map.of("name", "big", "password", "long-enough-1", "storage_size_gb", 0)),
        400,
        "storage_size_gb");
    rejected(
        api.post(
            "/api/instances", Map.of("name", "odd", "password", "long-enough-1", "colour", "blue")),
        400,
        "colour");
    rejected(
        api.post("/api/instances", Map.of("name", "keeper", "password", "long-enough-1")),
        409,
        "keeper");
    assertThat(fleet()).isEqualTo(fleetBefore);
    assertThat(orchestrations()).isEqualTo(orchestrationsBefore);
  }

  @Test
  void unknownInstancesAreNotFoundOnEveryRoute() {
    for (String path :
        new String[] {
          "/api/instances/ghost",
          "/api/instances/ghost/health-checks",
          "/api/instances/ghost/events"
        }) {
      rejected(api.get(path), 404, "ghost");
    }
    rejected(api.delete("/api/instances/ghost"), 404, "ghost");
    for (String op :
        new String[] {"stop", "start", "restart", "actor/start", "actor/restart", "actor/cancel"}) {
      rejected(api.post("/api/instances/ghost/" + op, null), 404, "ghost");
    }
    rejected(api.get("/api/instances/NOT_A_NAME"), 400, "");
  }

  @Test
  void operationsThatDoNotFitTheStateAreConflicts() {
    String before = fleet();
    rejected(api.post("/api/instances/keeper/start", null), 409, "running");
    rejected(api.post("/api/instances/keeper/actor/start", null), 409, "running actor");
    assertThat(fleet()).isEqualTo(before);
  }

  @Test
  void badQueryParametersAndOrchestrationRequestsAreRejected() {
    rejected(api.get("/api/instances/keeper/health-checks?limit=0"), 400, "limit");
    rejected(api.get("/api/instances/keeper/events?limit=abc"), 400, "limit");
    rejected(api.get("/api/orchestrations?status=sleeping"), 400, "status");
    rejected(api.get("/api/orchestrations?limit=5000"), 400, "limit");
    rejected(api.get("/api/orchestrations?cursor=not-a-cursor"), 400, "cursor");
    rejected(api.get("/api/orchestrations/no-such-id"), 404, "no-such-id");
    rejected(api.get("/api/orchestrations/no-such-id/history"), 404, "no-such-id");
    rejected(
        api.post("/api/orchestrations/no-such-id/cancel", Map.of("reason", "x")),
        404,
        "no-such-id");
    rejected(
        api.post("/api/orchestrations/no-such-id/events", Map.of("name", "x", "data", 1)),
        404,
        "no-such-id");
    String create = api.get("/api/instances/keeper").body().get("create_orchestration_id").asText();
    rejected(
        api.post("/api/orchestrations/" + create + "/cancel", Map.of("reason", "late")), 409, "");
    rejected(
        api.postRaw("/api/orchestrations/" + create + "/events", "{\"data\": 1}"), 400, "name");
  }

  @Test
  void requestsWithoutTheTokenAreRefused() {
    for (String path :
        new String[] {"/api/instances", "/api/instances/keeper", "/api/orchestrations"}) {
      rejected(api.anonymous("GET", path), 401, "");
    }
    rejected(api.anonymous("POST", "/api/instances/keeper/actor/cancel"), 401, "");
    rejected(new TestHttpClient(baseUrl(), "wrong-token").get("/api/instances"), 401, "");
    assertThat(api.anonymous("GET", "/health").status()).isEqualTo(200);
    assertThat(api.get("/api/instances/keeper").body().get("monitoring_enabled").asBoolean())
        .isTrue();
  }

  private static String baseUrl() {
    return "http://127.0.0.1:" + server.server().port();
  }
}
