package dev.toygres.controlplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toygres.controlplane.testkit.ConsoleClient;
import dev.toygres.controlplane.testkit.TestServer;
import dev.toygres.testkit.TestHttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * API users against a real server: a viewer, an operator and an admin token made through the API,
 * and every route of the HTTP API asked by each. A refused request is a 403 naming the token and
 * its role; an allowed one gets past the check (no instance exists, so a 404 for a made-up name
 * proves the request reached its route). Also: what creating, listing and revoking tokens answer,
 * and that a revoked token and its console sessions are refused at once.
 */
class ApiRolesIT {
  private static TestServer server;
  private static String base;
  private static TestHttpClient admin;
  private static final Map<String, TestHttpClient> BY_ROLE = new java.util.HashMap<>();
  private static final Map<String, String> NAME_OF_ROLE =
      Map.of("viewer", "roles-viewer", "operator", "roles-operator", "admin", "roles-admin");

  /** A route of HttpApi, with a request that an allowed caller gets this status for. */
  record Route(String method, String path, String body, Integer allowedStatus) {
    boolean read() {
      return method.equals("GET") || method.equals("HEAD");
    }

    boolean tokens() {
      return path.startsWith("/api/tokens");
    }

    /** Whether a token with this role may make the request. */
    boolean allows(String role) {
      return switch (role) {
        case "admin" -> true;
        case "operator" -> !tokens();
        case "viewer" -> read() && !tokens();
        default -> throw new IllegalArgumentException(role);
      };
    }

    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  /** Every route HttpApi serves (and an unknown one), each with a request that changes nothing. */
  static List<Route> routes() {
    String n = "/api/instances/roles-nope";
    String o = "/api/orchestrations/roles-nope";
    return List.of(
        new Route("GET", "/api/instances", null, 200),
        // A version nobody has: refused by the service, so nothing is created.
        new Route(
            "POST",
            "/api/instances",
            "{\"name\": \"roles-db\", \"password\": \"roles-pass-123\", \"postgres_version\": \"9\"}",
            400),
        new Route("GET", n, null, 404),
        new Route("DELETE", n, null, 404),
        new Route("POST", n + "/stop", null, 404),
        new Route("POST", n + "/start", null, 404),
        new Route("POST", n + "/restart", null, 404),
        // Being added by another change: 404 (no route, or no instance) or 400 (the body) today.
        new Route("POST", n + "/password", "{\"password\": \"roles-pass-456\"}", null),
        new Route("GET", n + "/health-checks", null, 404),
        new Route("GET", n + "/events", null, 404),
        new Route("GET", n + "/logs", null, 404),
        new Route("POST", n + "/actor/start", null, 404),
        new Route("POST", n + "/actor/restart", null, 404),
        new Route("POST", n + "/actor/cancel", null, 404),
        new Route("GET", "/api/actors", null, 200),
        new Route("POST", "/api/actors/recover", "{\"dry_run\": true}", 200),
        new Route("GET", "/api/system", null, 200),
        new Route("GET", "/api/orchestrations", null, 200),
        new Route("GET", o, null, 404),
        new Route("GET", o + "/history", null, 404),
        new Route("POST", o + "/cancel", "{\"reason\": \"test\"}", 404),
        new Route("POST", o + "/events", "{\"name\": \"go\"}", 404),
        new Route("GET", "/api/tokens", null, 200),
        new Route("POST", "/api/tokens", "{\"name\": \"Bad Name\", \"role\": \"viewer\"}", 400),
        new Route("DELETE", "/api/tokens/roles-nope", null, 404),
        new Route("GET", "/api/audit", null, 200),
        new Route("GET", "/api/no-such-route", null, 404),
        new Route("POST", "/api/no-such-route", null, 404));
  }

  static Stream<Arguments> routesAndRoles() {
    List<Arguments> out = new ArrayList<>();
    for (Route r : routes()) {
      for (String role : List.of("viewer", "operator", "admin")) {
        out.add(Arguments.of(role, r));
      }
    }
    return out.stream();
  }

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start("roles", 29500);
    base = "http://127.0.0.1:" + server.server().port();
    admin = server.api();
    for (Map.Entry<String, String> e : NAME_OF_ROLE.entrySet()) {
      BY_ROLE.put(e.getKey(), new TestHttpClient(base, create(e.getValue(), e.getKey())));
    }
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** Creates a token as the built-in admin and returns its secret. */
  private static String create(String name, String role) {
    TestHttpClient.Response r = admin.post("/api/tokens", Map.of("name", name, "role", role));
    assertThat(r.status()).as(r.raw()).isEqualTo(201);
    return r.body().get("token").asText();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("routesAndRoles")
  void everyRouteAnswersEachRoleExactlyWhatItAllows(String role, Route route) {
    TestHttpClient.Response r = BY_ROLE.get(role).send(route.method(), route.path(), route.body());
    if (!route.allows(role)) {
      assertThat(r.status()).as(r.raw()).isEqualTo(403);
      assertThat(r.error())
          .startsWith("token '" + NAME_OF_ROLE.get(role) + "' (" + role + ") may not ");
      return;
    }
    assertThat(r.status()).as(r.raw()).isNotIn(401, 403);
    if (route.allowedStatus() != null) {
      assertThat(r.status()).as(r.raw()).isEqualTo(route.allowedStatus());
    } else {
      assertThat(r.status()).as(r.raw()).isIn(400, 404);
    }
    assertThat(r.body()).as("every answer is JSON").isNotNull();
  }

  @ParameterizedTest(name = "anonymous: {0}")
  @MethodSource("routes")
  void everyRouteRefusesARequestWithoutAValidToken(Route route) {
    assertThat(
            new TestHttpClient(base, "tgr_" + "0".repeat(64))
                .send(route.method(), route.path(), null)
                .status())
        .isEqualTo(401);
    assertThat(admin.anonymous(route.method(), route.path()).status()).isEqualTo(401);
  }

  @Test
  void everyRoleReadsTheConsolesConfig() {
    for (String role : List.of("viewer", "operator", "admin")) {
      assertThat(BY_ROLE.get(role).get("/ui/config").status()).isEqualTo(200);
    }
  }

  @Test
  void aNewTokensSecretIsShownOnceAndNeverListed() {
    TestHttpClient.Response r =
        admin.post("/api/tokens", Map.of("name", "roles-once", "role", "viewer"));
    assertThat(r.status()).as(r.raw()).isEqualTo(201);
    JsonNode t = r.body();
    assertThat(t.get("name").asText()).isEqualTo("roles-once");
    assertThat(t.get("role").asText()).isEqualTo("viewer");
    assertThat(t.get("token").asText()).matches("tgr_[0-9a-f]{64}");
    assertThat(t.get("created_at").asText()).isNotBlank();
    String secret = t.get("token").asText();

    TestHttpClient.Response list = admin.get("/api/tokens");
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.raw())
        .doesNotContain(secret)
        .doesNotContain("hash")
        .doesNotContain("\"token\"");
    JsonNode builtin = list.body().get(0);
    assertThat(builtin.get("name").asText()).isEqualTo("admin");
    assertThat(builtin.get("role").asText()).isEqualTo("admin");
    assertThat(builtin.get("builtin").asBoolean()).isTrue();
    JsonNode once = find(list.body(), "roles-once");
    assertThat(once.get("role").asText()).isEqualTo("viewer");
    assertThat(once.get("created_by").asText()).isEqualTo("admin");
    assertThat(once.get("created_at").asText()).isEqualTo(t.get("created_at").asText());
    assertThat(once.get("builtin").asBoolean()).isFalse();

    // A token made by a named admin token names it as its author.
    TestHttpClient.Response byAdmin =
        BY_ROLE.get("admin").post("/api/tokens", Map.of("name", "roles-by", "role", "operator"));
    assertThat(byAdmin.status()).isEqualTo(201);
    assertThat(find(admin.get("/api/tokens").body(), "roles-by").get("created_by").asText())
        .isEqualTo("roles-admin");
  }

  @Test
  void badNamesAndRolesAre400sAndTakenOrReservedNames409s() {
    TestHttpClient.Response badName =
        admin.post("/api/tokens", Map.of("name", "-x", "role", "viewer"));
    assertThat(badName.status()).isEqualTo(400);
    assertThat(badName.error()).contains("a-z, 0-9, '.', '_' and '-'");
    TestHttpClient.Response badRole =
        admin.post("/api/tokens", Map.of("name", "roles-x", "role", "root"));
    assertThat(badRole.status()).isEqualTo(400);
    assertThat(badRole.error()).contains("admin, operator, viewer");
    TestHttpClient.Response noRole = admin.post("/api/tokens", Map.of("name", "roles-x"));
    assertThat(noRole.status()).isEqualTo(400);
    assertThat(noRole.error()).contains("role");
    TestHttpClient.Response taken =
        admin.post("/api/tokens", Map.of("name", "roles-viewer", "role", "admin"));
    assertThat(taken.status()).isEqualTo(409);
    assertThat(taken.error()).contains("exists");
    for (String reserved : List.of("admin", "supervisor", "anonymous")) {
      TestHttpClient.Response r =
          admin.post("/api/tokens", Map.of("name", reserved, "role", "viewer"));
      assertThat(r.status()).as(reserved).isEqualTo(409);
      assertThat(r.error()).contains("reserved");
    }
    TestHttpClient.Response revokeAdmin = admin.delete("/api/tokens/admin");
    assertThat(revokeAdmin.status()).isEqualTo(409);
    assertThat(revokeAdmin.error()).contains("TOYGRES_ADMIN_TOKEN");
    assertThat(admin.delete("/api/tokens/roles-never-made").status()).isEqualTo(404);
  }

  @Test
  void aRevokedTokenAndItsConsoleSessionsAreRefusedAtOnce() {
    String secret = create("roles-revoked", "operator");
    TestHttpClient bearer = new TestHttpClient(base, secret);
    ConsoleClient console = ConsoleClient.login(base, secret);
    assertThat(console.loginAnswer().get("token_name").asText()).isEqualTo("roles-revoked");
    assertThat(console.loginAnswer().get("role").asText()).isEqualTo("operator");
    assertThat(console.get("/ui/session").body().get("token_name").asText())
        .isEqualTo("roles-revoked");
    assertThat(bearer.get("/api/instances").status()).isEqualTo(200);
    assertThat(console.get("/api/instances").status()).isEqualTo(200);

    TestHttpClient.Response revoked = admin.delete("/api/tokens/roles-revoked");
    assertThat(revoked.status()).as(revoked.raw()).isEqualTo(200);
    assertThat(revoked.body().get("name").asText()).isEqualTo("roles-revoked");
    assertThat(revoked.body().get("status").asText()).isEqualTo("revoked");

    assertThat(bearer.get("/api/instances").status()).isEqualTo(401);
    assertThat(console.get("/api/instances").status()).isEqualTo(401);
    assertThat(console.get("/ui/session").status()).isEqualTo(401);
    assertThat(console.send("POST", "/api/actors/recover", "{\"dry_run\": true}").status())
        .isEqualTo(401);
    assertThat(admin.get("/api/tokens").raw()).doesNotContain("roles-revoked");
    assertThat(admin.delete("/api/tokens/roles-revoked").status()).isEqualTo(404);

    // The name is free again, and the new token's secret is a new one: the old session stays out.
    String again = create("roles-revoked", "operator");
    assertThat(again).isNotEqualTo(secret);
    assertThat(console.get("/api/instances").status()).isEqualTo(401);
  }

  @Test
  void aViewersConsoleSessionReadsButIsRefusedChanges() {
    String secret = create("roles-console-viewer", "viewer");
    ConsoleClient console = ConsoleClient.login(base, secret);
    assertThat(console.loginAnswer().get("role").asText()).isEqualTo("viewer");
    assertThat(console.get("/api/instances").status()).isEqualTo(200);
    TestHttpClient.Response change =
        console.send("POST", "/api/actors/recover", "{\"dry_run\": true}");
    assertThat(change.status()).isEqualTo(403);
    assertThat(change.error()).startsWith("token 'roles-console-viewer' (viewer) may not change");
    assertThat(console.get("/api/tokens").status()).isEqualTo(403);
  }

  private static JsonNode find(JsonNode list, String name) {
    for (JsonNode n : list) {
      if (n.get("name").asText().equals(name)) {
        return n;
      }
    }
    throw new AssertionError("no token " + name + " in " + list);
  }
}
