package dev.toygres.controlplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toygres.controlplane.testkit.ConsoleClient;
import dev.toygres.controlplane.testkit.MetadataDb;
import dev.toygres.controlplane.testkit.TestDirectories;
import dev.toygres.controlplane.testkit.TestServer;
import dev.toygres.testkit.TestHttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A server restarted with another built-in admin token (as after changing {@code
 * TOYGRES_ADMIN_TOKEN} or {@code <data-dir>/admin-token}): the old token and every console session
 * it logged in are refused at once, while named tokens and their sessions carry on. The same
 * restart starts the pruner's first round, which removes audit rows past their retention (90 days
 * on test servers) and keeps the younger ones.
 */
class AdminTokenChangeIT {
  private static final String NEW_TOKEN = "changed-admin-token-0123456789";
  private static TestServer server;
  private static String base;
  private static ConsoleClient adminSession;
  private static ConsoleClient opsSession;
  private static String opsSecret;

  /** Tokens and sessions before, audit rows of two ages, then the restart with a new token. */
  @BeforeAll
  static void startChangeAndRestart() throws Exception {
    Path dir = TestDirectories.create("token-change");
    server = TestServer.start(dir, 29500, TestServer.Settings.defaults());
    base = "http://127.0.0.1:" + server.server().port();
    TestHttpClient oldAdmin = server.api();
    TestHttpClient.Response made =
        oldAdmin.post("/api/tokens", Map.of("name", "keep-ops", "role", "operator"));
    assertThat(made.status()).as(made.raw()).isEqualTo(201);
    opsSecret = made.body().get("token").asText();
    adminSession = ConsoleClient.login(base, TestServer.TOKEN);
    opsSession = ConsoleClient.login(base, opsSecret);
    assertThat(adminSession.get("/api/instances").status()).isEqualTo(200);

    // Audit rows just past and just within the retention, and no pruner round pending: the
    // restart starts a fresh pruner, whose first round runs at once.
    stopPruner(oldAdmin);
    try (MetadataDb db = MetadataDb.of(dir)) {
      db.update(
          """
          INSERT INTO toygres_cms.audit_log (at, actor, action, result)
          VALUES (now() - interval '91 days', 'test', 'test.old', 'ok'),
                 (now() - interval '89 days', 'test', 'test.recent', 'ok')""");
    }

    server.stopServerOnly();
    server = TestServer.start(dir, 29500, TestServer.Settings.defaults(), NEW_TOKEN);
    base = "http://127.0.0.1:" + server.server().port();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void theOldAdminTokenAndTheSessionsItLoggedInAreRefused() {
    assertThat(new TestHttpClient(base, TestServer.TOKEN).get("/api/instances").status())
        .isEqualTo(401);
    assertThat(adminSession.withBase(base).get("/api/instances").status()).isEqualTo(401);
    assertThat(adminSession.withBase(base).get("/ui/session").status()).isEqualTo(401);
    assertThat(server.api().get("/api/instances").status()).isEqualTo(200);
    assertThat(ConsoleClient.login(base, NEW_TOKEN).loginAnswer().get("token_name").asText())
        .isEqualTo("admin");
  }

  @Test
  void namedTokensAndTheirSessionsCarryOn() {
    assertThat(new TestHttpClient(base, opsSecret).get("/api/instances").status()).isEqualTo(200);
    TestHttpClient.Response ops = opsSession.withBase(base).get("/ui/session");
    assertThat(ops.status()).as(ops.raw()).isEqualTo(200);
    assertThat(ops.body().get("token_name").asText()).isEqualTo("keep-ops");
    assertThat(ops.body().get("role").asText()).isEqualTo("operator");
  }

  @Test
  void thePrunersRoundDropsAuditRowsPastTheRetentionOnly() {
    TestHttpClient admin = server.api();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> assertThat(actions(admin)).contains("test.recent").doesNotContain("test.old"));
    JsonNode round = admin.get("/api/orchestrations/toygres-pruner").body();
    assertThat(round.get("custom_status").get("auditRows").asInt()).isGreaterThanOrEqualTo(1);
  }

  private static void stopPruner(TestHttpClient admin) {
    TestHttpClient.Response r =
        admin.post("/api/orchestrations/toygres-pruner/cancel", Map.of("reason", "test"));
    assertThat(r.status()).as(r.raw()).isEqualTo(202);
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                !"running"
                    .equals(
                        admin
                            .get("/api/orchestrations/toygres-pruner")
                            .body()
                            .get("status")
                            .asText()));
  }

  private static List<String> actions(TestHttpClient api) {
    List<String> out = new ArrayList<>();
    api.get("/api/audit?limit=1000")
        .body()
        .get("items")
        .forEach(n -> out.add(n.get("action").asText()));
    return out;
  }
}
