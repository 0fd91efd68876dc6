package dev.toygres.controlplane.e2e;

import static dev.toygres.controlplane.e2e.ActorAsserts.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toygres.controlplane.testkit.ConsoleClient;
import dev.toygres.controlplane.testkit.LeftoverServers;
import dev.toygres.controlplane.testkit.TestServer;
import dev.toygres.testkit.TestHttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The audit log of a real server: every write made here (allowed, refused or failed, through a
 * bearer token or the console's cookie) leaves one row naming the token, the action, the target and
 * the result, and nothing secret; reads leave none. An automatic repair by the supervisor (of an
 * actor ended behind its back) is a row by {@code supervisor}. The log pages newest first.
 */
class AuditLogIT {
  private static final String INSTANCE = "audit-db";
  private static TestServer server;
  private static String base;
  private static TestHttpClient admin;
  private static TestHttpClient operator;
  private static TestHttpClient viewer;
  private static String viewerSecret;

  /** The columns a test asserts; detail is checked apart. */
  record Row(String actor, String action, String target, String result, Integer status) {
    static Row of(JsonNode n) {
      return new Row(
          n.get("actor").asText(),
          n.get("action").asText(),
          n.get("target").isNull() ? null : n.get("target").asText(),
          n.get("result").asText(),
          n.get("status").isNull() ? null : n.get("status").asInt());
    }
  }

  @BeforeAll
  static void start() throws Exception {
    // A supervisor round every 2 s, so that a repair shows quickly.
    server =
        TestServer.start(
            "audit",
            29500,
            new TestServer.Settings(
                Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofSeconds(2), true));
    base = "http://127.0.0.1:" + server.server().port();
    admin = server.api();
    operator = new TestHttpClient(base, secret("audit-op", "operator"));
    viewerSecret = secret("audit-viewer", "viewer");
    viewer = new TestHttpClient(base, viewerSecret);
  }

  @AfterAll
  static void stop() {
    if (server == null) {
      return;
    }
    try {
      ActorAsserts.deleteAll(admin);
    } finally {
      try {
        server.close();
      } finally {
        LeftoverServers.stopAll(server.dataDir());
      }
    }
  }

  private static String secret(String name, String role) {
    TestHttpClient.Response r = admin.post("/api/tokens", Map.of("name", name, "role", role));
    assertThat(r.status()).as(r.raw()).isEqualTo(201);
    return r.body().get("token").asText();
  }

  /** Every row of the log, newest first (read as a viewer, who may). */
  private static List<JsonNode> rows() {
    List<JsonNode> out = new ArrayList<>();
    String cursor = null;
    do {
      TestHttpClient.Response r =
          viewer.get("/api/audit?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor));
      assertThat(r.status()).as(r.raw()).isEqualTo(200);
      r.body().get("items").forEach(out::add);
      JsonNode next = r.body().get("next_cursor");
      cursor = next == null || next.isNull() ? null : next.asText();
    } while (cursor != null);
    return out;
  }

  private static List<Row> awaitRows(Row... expected) {
    AtomicReference<List<JsonNode>> seen = new AtomicReference<>();
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              seen.set(rows());
              assertThat(seen.get().stream().map(Row::of).toList()).contains(expected);
            });
    return seen.get().stream().map(Row::of).toList();
  }

  private static JsonNode rowWith(String actor, String action, String target) {
    return rows().stream()
        .filter(n -> Row.of(n).actor().equals(actor))
        .filter(n -> Row.of(n).action().equals(action))
        .filter(n -> target.equals(Row.of(n).target()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no row " + actor + " " + action + " " + target));
  }

  @Test
  void everyWriteLeavesOneRowNamingItsTokenWhetherAllowedRefusedOrFailed() {
    String password = "audit-secret-pass-1";
    TestHttpClient.Response create =
        operator.post(
            "/api/instances",
            Map.of("name", "audit-create", "password", password, "postgres_version", "9"));
    assertThat(create.status()).isEqualTo(400);
    assertThat(operator.post("/api/instances/audit-nope/stop", null).status()).isEqualTo(404);
    assertThat(viewer.delete("/api/instances/audit-nope").status()).isEqualTo(403);
    assertThat(new TestHttpClient(base, "wrong-token").post("/api/actors/recover", null).status())
        .isEqualTo(401);
    assertThat(operator.post("/api/actors/recover", Map.of("dry_run", true)).status())
        .isEqualTo(200);
    assertThat(operator.post("/api/orchestrations/audit-orch/cancel", Map.of()).status())
        .isEqualTo(404);
    assertThat(
            operator.post("/api/orchestrations/audit-orch/events", Map.of("name", "go")).status())
        .isEqualTo(404);
    assertThat(operator.post("/api/no-such-route", null).status()).isEqualTo(404);
    TestHttpClient.Response made =
        admin.post("/api/tokens", Map.of("name", "audit-made", "role", "viewer"));
    assertThat(made.status()).isEqualTo(201);
    String madeSecret = made.body().get("token").asText();
    assertThat(operator.post("/api/tokens", Map.of("name", "x", "role", "admin")).status())
        .isEqualTo(403);
    assertThat(admin.delete("/api/tokens/audit-made").status()).isEqualTo(200);
    ConsoleClient console = ConsoleClient.login(base, viewerSecret);
    assertThat(console.send("POST", "/api/instances/audit-nope/restart", null).status())
        .isEqualTo(403);
    assertThat(console.send("POST", "/ui/logout", null).status()).isEqualTo(200);
    assertThat(admin.anonymous("GET", "/api/instances").status()).isEqualTo(401);
    assertThat(admin.anonymous("POST", "/ui/login").status()).isEqualTo(400);
    assertThat(new TestHttpClient(base, "x").post("/ui/login", Map.of("token", "guess")).status())
        .isEqualTo(401);
    // Reads leave no row.
    assertThat(operator.get("/api/instances").status()).isEqualTo(200);
    assertThat(viewer.get("/api/audit").status()).isEqualTo(200);

    List<Row> all =
        awaitRows(
            new Row("admin", "token.create", "audit-op", "ok", 201),
            new Row("admin", "token.create", "audit-viewer", "ok", 201),
            new Row("audit-op", "instance.create", "audit-create", "failed", 400),
            new Row("audit-op", "instance.stop", "audit-nope", "failed", 404),
            new Row("audit-viewer", "instance.delete", "audit-nope", "denied", 403),
            new Row("anonymous", "actors.recover", null, "denied", 401),
            new Row("audit-op", "actors.recover", null, "ok", 200),
            new Row("audit-op", "orchestration.cancel", "audit-orch", "failed", 404),
            new Row("audit-op", "orchestration.raise", "audit-orch", "failed", 404),
            new Row("audit-op", "POST /api/no-such-route", null, "failed", 404),
            new Row("admin", "token.create", "audit-made", "ok", 201),
            // Refused before its body is read: no target.
            new Row("audit-op", "token.create", null, "denied", 403),
            new Row("admin", "token.revoke", "audit-made", "ok", 200),
            new Row("audit-viewer", "ui.login", null, "ok", 200),
            new Row("audit-viewer", "instance.restart", "audit-nope", "denied", 403),
            new Row("audit-viewer", "ui.logout", null, "ok", 200),
            new Row("anonymous", "ui.login", null, "failed", 400),
            new Row("anonymous", "ui.login", null, "denied", 401));
    assertThat(all).noneMatch(r -> r.action().startsWith("GET ") || r.action().startsWith("HEAD "));
    for (Row once :
        List.of(
            new Row("audit-op", "instance.stop", "audit-nope", "failed", 404),
            new Row("audit-viewer", "instance.delete", "audit-nope", "denied", 403),
            new Row("admin", "token.revoke", "audit-made", "ok", 200))) {
      assertThat(all.stream().filter(once::equals).count()).as(once.toString()).isEqualTo(1);
    }

    String everything = rows().toString();
    assertThat(everything)
        .doesNotContain(password)
        .doesNotContain(madeSecret)
        .doesNotContain(viewerSecret)
        .doesNotContain(TestServer.TOKEN);
    assertThat(rowWith("audit-op", "instance.create", "audit-create").get("detail").asText())
        .contains("'9' is not available");
    assertThat(rowWith("audit-viewer", "instance.delete", "audit-nope").get("detail").asText())
        .startsWith("token 'audit-viewer' (viewer) may not change anything");
  }

  @Test
  void theLogPagesNewestFirstByCursor() {
    for (int i = 0; i < 3; i++) {
      operator.post("/api/instances/audit-page-" + i + "/stop", null);
    }
    awaitRows(new Row("audit-op", "instance.stop", "audit-page-2", "failed", 404));
    TestHttpClient.Response first = viewer.get("/api/audit?limit=2");
    assertThat(first.status()).isEqualTo(200);
    JsonNode items = first.body().get("items");
    assertThat(items).hasSize(2);
    long a = items.get(0).get("id").asLong();
    long b = items.get(1).get("id").asLong();
    assertThat(a).isGreaterThan(b);
    String cursor = first.body().get("next_cursor").asText();
    assertThat(cursor).isEqualTo(Long.toString(b));
    JsonNode second = viewer.get("/api/audit?limit=2&cursor=" + cursor).body().get("items");
    assertThat(second).isNotEmpty();
    assertThat(second.get(0).get("id").asLong()).isLessThan(b);
    assertThat(viewer.get("/api/audit").body().get("items").size()).isLessThanOrEqualTo(50);
    JsonNode last = viewer.get("/api/audit?limit=1000").body();
    assertThat(last.get("next_cursor").isNull()).isTrue();

    for (String bad : List.of("limit=0", "limit=1001", "limit=x", "cursor=0", "cursor=abc")) {
      TestHttpClient.Response r = viewer.get("/api/audit?" + bad);
      assertThat(r.status()).as(bad).isEqualTo(400);
    }
  }

  @Test
  void anAutomaticRepairIsAuditedAsTheSupervisor() {
    ActorAsserts.createHealthy(admin, INSTANCE);
    String old = ActorAsserts.recordedActor(admin, INSTANCE);
    // End the actor behind the supervisor's back: it is now dead.
    TestHttpClient.Response ended =
        operator.post("/api/orchestrations/" + old + "/cancel", Map.of("reason", "audit test"));
    assertThat(ended.status()).as(ended.raw()).isEqualTo(202);

    AtomicReference<JsonNode> repair = new AtomicReference<>();
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              for (JsonNode n : rows()) {
                Row r = Row.of(n);
                if (r.actor().equals("supervisor")
                    && r.action().equals("actor.repair")
                    && INSTANCE.equals(r.target())) {
                  repair.set(n);
                  return true;
                }
              }
              return false;
            });
    JsonNode row = repair.get();
    assertThat(row.get("result").asText()).isEqualTo("ok");
    String fresh = ActorAsserts.awaitExactlyOneActor(admin, INSTANCE, WAIT);
    assertThat(row.get("detail").asText())
        .startsWith("dead: start, new actor " + fresh + " (previous " + old + ")")
        .contains("ended");
    assertThat(rowWith("audit-op", "orchestration.cancel", old).get("result").asText())
        .isEqualTo("ok");
  }
}
