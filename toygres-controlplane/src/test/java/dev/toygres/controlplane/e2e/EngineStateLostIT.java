package dev.toygres.controlplane.e2e;

import static dev.toygres.controlplane.e2e.ActorAsserts.WAIT;
import static dev.toygres.controlplane.e2e.ActorAsserts.awaitChecksResumeBy;
import static dev.toygres.controlplane.e2e.ActorAsserts.awaitDiagnosis;
import static dev.toygres.controlplane.e2e.ActorAsserts.awaitEvent;
import static dev.toygres.controlplane.e2e.ActorAsserts.awaitExactlyOneActor;
import static dev.toygres.controlplane.e2e.ActorAsserts.createHealthy;
import static dev.toygres.controlplane.e2e.ActorAsserts.instance;
import static dev.toygres.controlplane.e2e.ActorAsserts.k8s;
import static dev.toygres.controlplane.e2e.ActorAsserts.lastCheck;
import static dev.toygres.controlplane.e2e.ActorAsserts.recordedActor;
import static dev.toygres.controlplane.e2e.ActorAsserts.repairCounts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.toygres.controlplane.testkit.LeftoverServers;
import dev.toygres.controlplane.testkit.TestServer;
import dev.toygres.postgres.EmbeddedPostgres;
import dev.toygres.testkit.TestHttpClient;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The engine's state is lost between two server runs (its schema dropped while the CMS survives):
 * starting the server once brings every watched instance, running or stopped, back under
 * monitoring, with no command from the operator; each gets exactly one new actor, an event saying
 * its recorded actor was missing, and health checks advance again.
 */
class EngineStateLostIT {
  private static final TestServer.Settings SETTINGS =
      new TestServer.Settings(
          Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofSeconds(2), true);
  private static final List<String> NAMES = List.of("el-run", "el-run2", "el-stopped");
  private TestServer server;
  private Path dataDir;

  @AfterEach
  void cleanUp() {
    try {
      if (server != null) {
        ActorAsserts.deleteAll(server.api());
      }
    } finally {
      if (server != null) {
        server.close();
      }
      LeftoverServers.stopAll(dataDir);
    }
  }

  @Test
  void afterTheEngineSchemaIsDroppedOneStartMonitorsEveryInstanceAgain() throws Exception {
    server = TestServer.start("engine-lost", 36432, SETTINGS);
    dataDir = server.dataDir();
    TestHttpClient api = server.api();
    createHealthy(api, NAMES.toArray(String[]::new));
    TestHttpClient.Response stop = api.post("/api/instances/el-stopped/stop", null);
    assertThat(stop.status()).as(stop.raw()).isEqualTo(202);
    await()
        .atMost(WAIT)
        .until(
            () -> {
              var i = instance(api, "el-stopped");
              return i.get("state").asText().equals("stopped")
                  && i.get("health_status").asText().equals("unknown");
            });
    Map<String, String> oldActors = new HashMap<>();
    Map<String, String> createIds = new HashMap<>();
    for (String n : NAMES) {
      oldActors.put(n, awaitExactlyOneActor(api, n, WAIT));
      createIds.put(n, instance(api, n).get("create_orchestration_id").asText());
    }

    server.stopServerOnly();
    try (EmbeddedPostgres pg = EmbeddedPostgres.start(dataDir.resolve("postgres"));
        Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
        Statement st = c.createStatement()) {
      st.executeUpdate("DROP SCHEMA toygres_durable CASCADE");
      try (ResultSet rs =
          st.executeQuery(
              "SELECT count(*) FROM toygres_cms.instances WHERE instance_actor_orchestration_id"
                  + " IS NOT NULL AND state IN ('running', 'stopped')")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(NAMES.size());
      }
    }
    Instant restarted = Instant.now();
    server = TestServer.start(dataDir, 36432, SETTINGS);
    TestHttpClient again = server.api();

    for (String n : NAMES) {
      String old = oldActors.get(n);
      awaitEvent(
          again,
          n,
          Duration.ofSeconds(4).plusSeconds(15),
          "missing actor repaired by the supervisor (start)",
          "recorded actor " + old + " does not exist in the engine");
      String fresh = awaitExactlyOneActor(again, n, WAIT);
      assertThat(fresh).isNotEqualTo(old).startsWith("actor-" + k8s(again, n) + "-");
      awaitChecksResumeBy(again, n, fresh, restarted, WAIT);
      awaitDiagnosis(again, n, "healthy", WAIT);
      assertThat(again.get("/api/orchestrations/" + createIds.get(n)).status()).isEqualTo(404);
    }
    assertThat(instance(again, "el-run").get("health_status").asText()).isEqualTo("healthy");
    assertThat(instance(again, "el-stopped").get("state").asText()).isEqualTo("stopped");
    assertThat(instance(again, "el-stopped").get("health_status").asText()).isEqualTo("unknown");
    assertThat(repairCounts(again).get("missing")).isEqualTo((double) NAMES.size());
    assertThat(lastCheck(again, "el-run")).isAfter(restarted);
    assertThat(recordedActor(again, "el-run2")).isNotEqualTo(oldActors.get("el-run2"));
  }
}
