package dev.toygres.controlplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toygres.controlplane.testkit.TestServer;
import dev.toygres.testkit.TestHttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The life of two instances through the HTTP API of a real server, with real PostgreSQL instance
 * servers: health, a crash, a restart, actor restart and cancel, delete and re-create.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InstanceLifecycleIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static TestServer server;
  private static TestHttpClient api;

  @BeforeAll
  static void start() throws Exception {
    // The actor's first crash restart waits 10 min: a killed server stays down until restarted here
    // (CrashRestartIT covers the actor's own restarts).
    server =
        TestServer.start(
            "lifecycle",
            27432,
            TestServer.Settings.defaults().withRestartBackoff(List.of(Duration.ofMinutes(10))));
    api = server.api();
  }

  @AfterAll
  static void stop() {
    if (server == null) {
      return;
    }
    try {
      for (String name : new String[] {"alpha", "beta"}) {
        api.delete("/api/instances/" + name);
      }
      await().atMost(WAIT).until(() -> api.get("/api/instances").body().size() == 0);
    } finally {
      server.close();
    }
  }

  private static JsonNode instance(String name) {
    TestHttpClient.Response r = api.get("/api/instances/" + name);
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    return r.body();
  }

  private static void awaitHealth(String name, String health) {
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () -> {
              JsonNode i = instance(name);
              assertThat(i.get("state").asText()).isEqualTo("running");
              assertThat(i.get("health_status").asText()).isEqualTo(health);
            });
  }

  private static long healthCheckCount(String name) {
    return api.get("/api/instances/" + name + "/health-checks?limit=1000").body().size();
  }

  @Test
  @Order(1)
  void twoNewInstancesBecomeHealthyAndAcceptTheirPassword() throws Exception {
    TestHttpClient.Response a =
        api.post("/api/instances", Map.of("name", "alpha", "password", "alpha-secret-1"));
    TestHttpClient.Response b =
        api.post(
            "/api/instances",
            Map.of("name", "beta", "password", "beta-secret-22", "postgres_version", "17"));
    assertThat(a.status()).as(a.raw()).isEqualTo(202);
    assertThat(b.status()).as(b.raw()).isEqualTo(202);
    assertThat(a.body().get("orchestration_id").asText()).isNotBlank();
    awaitHealth("alpha", "healthy");
    awaitHealth("beta", "healthy");
    JsonNode alpha = instance("alpha");
    assertThat(alpha.get("connection_string").asText())
        .contains("****")
        .doesNotContain("alpha-secret-1");
    assertThat(api.get("/api/instances").raw()).doesNotContain("alpha-secret-1");
    int port = alpha.get("data_plane").get("port").asInt();
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "alpha-secret-1");
        ResultSet rs =
            c.createStatement()
                .executeQuery("SELECT current_setting('server_version_num')::int / 10000")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(18);
    }
    int betaPort = instance("beta").get("data_plane").get("port").asInt();
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + betaPort + "/postgres",
                "postgres",
                "beta-secret-22");
        ResultSet rs =
            c.createStatement()
                .executeQuery("SELECT current_setting('server_version_num')::int / 10000")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(17);
    }
  }

  @Test
  @Order(2)
  void aKilledServerTurnsUnhealthyWhileTheOtherStaysHealthy() {
    long pid = instance("alpha").get("data_plane").get("pid").asLong();
    ProcessHandle.of(pid).orElseThrow().destroyForcibly();
    awaitHealth("alpha", "unhealthy");
    assertThat(instance("beta").get("health_status").asText()).isEqualTo("healthy");
    assertThat(instance("alpha").get("consecutive_failures").asInt()).isGreaterThanOrEqualTo(2);
  }

  @Test
  @Order(3)
  void aRestartedServerTurnsHealthyAgain() {
    TestHttpClient.Response r = api.post("/api/instances/alpha/restart", null);
    assertThat(r.status()).as(r.raw()).isEqualTo(202);
    awaitHealth("alpha", "healthy");
    long pid = instance("alpha").get("data_plane").get("pid").asLong();
    assertThat(ProcessHandle.of(pid)).isPresent();
  }

  @Test
  @Order(4)
  void actorRestartGivesANewActorAndLeavesExactlyOneRunning() {
    JsonNode before = instance("alpha");
    String old = before.get("instance_actor_orchestration_id").asText();
    String k8s = before.get("k8s_name").asText();
    TestHttpClient.Response r = api.post("/api/instances/alpha/actor/restart", null);
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    String fresh = r.body().get("actor_id").asText();
    assertThat(fresh).isNotEqualTo(old).startsWith("actor-" + k8s);
    assertThat(r.body().get("previous_actor_id").asText()).isEqualTo(old);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              JsonNode running =
                  api.get("/api/orchestrations?status=running&prefix=actor-" + k8s)
                      .body()
                      .get("items");
              assertThat(running).hasSize(1);
              assertThat(running.get(0).get("instance_id").asText()).isEqualTo(fresh);
            });
    assertThat(instance("alpha").get("actor").get("status").asText()).isEqualTo("running");
    long checks = healthCheckCount("alpha");
    await().atMost(WAIT).until(() -> healthCheckCount("alpha") > checks);
  }

  @Test
  @Order(5)
  void actorCancelTurnsMonitoringOffAndNoMoreChecksAreWritten() throws Exception {
    TestHttpClient.Response r = api.post("/api/instances/alpha/actor/cancel", null);
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    await()
        .atMost(WAIT)
        .until(() -> !instance("alpha").get("actor").get("status").asText().equals("running"));
    assertThat(instance("alpha").get("monitoring_enabled").asBoolean()).isFalse();
    long checks = healthCheckCount("alpha");
    Thread.sleep(4_000);
    assertThat(healthCheckCount("alpha")).isEqualTo(checks);
    assertThat(api.post("/api/instances/alpha/actor/cancel", null).status()).isEqualTo(409);
  }

  @Test
  @Order(6)
  void deleteEndsTheActorRemovesServerAndDataAndFreesTheName() {
    JsonNode beta = instance("beta");
    long pid = beta.get("data_plane").get("pid").asLong();
    Path data = Path.of(beta.get("data_plane").get("data_dir").asText());
    String actor = beta.get("instance_actor_orchestration_id").asText();
    assertThat(Files.exists(data)).isTrue();
    TestHttpClient.Response r = api.delete("/api/instances/beta");
    assertThat(r.status()).as(r.raw()).isEqualTo(202);
    await().atMost(WAIT).until(() -> api.get("/api/instances/beta").status() == 404);
    assertThat(api.get("/api/orchestrations/" + actor).body().get("status").asText())
        .isNotEqualTo("running");
    await().atMost(WAIT).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    assertThat(Files.exists(data)).isFalse();
    TestHttpClient.Response again =
        api.post("/api/instances", Map.of("name", "beta", "password", "beta-secret-33"));
    assertThat(again.status()).as(again.raw()).isEqualTo(202);
    awaitHealth("beta", "healthy");
    assertThat(instance("beta").get("k8s_name").asText())
        .isNotEqualTo(beta.get("k8s_name").asText());
  }
}
