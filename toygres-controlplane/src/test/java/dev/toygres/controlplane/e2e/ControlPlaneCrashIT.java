package dev.toygres.controlplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toygres.controlplane.testkit.LeftoverServers;
import dev.toygres.controlplane.testkit.ServerProcess;
import dev.toygres.controlplane.testkit.TestDirectories;
import dev.toygres.testkit.TestHttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The control plane killed with SIGKILL during a create and during steady monitoring: started again
 * on the same data directory, it finishes the create, runs exactly one actor per instance, and
 * health checks advance again.
 */
class ControlPlaneCrashIT {
  private static final Duration WAIT = Duration.ofMinutes(3);
  private Path dataDir;
  private ServerProcess server;

  @AfterEach
  void cleanUp() throws Exception {
    try {
      if (server != null) {
        TestHttpClient api = server.api();
        for (JsonNode i : api.get("/api/instances").body()) {
          api.delete("/api/instances/" + i.get("name").asText());
        }
        await().atMost(WAIT).until(() -> api.get("/api/instances").body().size() == 0);
        server.close();
      }
    } finally {
      if (server != null) {
        server.kill();
      }
      LeftoverServers.stopAll(dataDir);
    }
  }

  private static JsonNode instance(TestHttpClient api, String name) {
    return api.get("/api/instances/" + name).body();
  }

  private static int runningActors(TestHttpClient api, String k8s) {
    return api.get("/api/orchestrations?status=running&prefix=actor-" + k8s)
        .body()
        .get("items")
        .size();
  }

  @Test
  void killedDuringCreateAndDuringMonitoringItRecoversWithOneActorPerInstance() throws Exception {
    dataDir = TestDirectories.create("crash");
    int port = ServerProcess.freePort();
    server = ServerProcess.start(dataDir, port, 28432);
    TestHttpClient api = server.api();
    assertThat(
            api.post("/api/instances", Map.of("name", "steady", "password", "steady-secret"))
                .status())
        .isEqualTo(202);
    await()
        .atMost(WAIT)
        .until(() -> "healthy".equals(instance(api, "steady").get("health_status").asText()));

    TestHttpClient.Response created =
        api.post("/api/instances", Map.of("name", "crashy", "password", "crashy-secret"));
    assertThat(created.status()).as(created.raw()).isEqualTo(202);
    String createId = created.body().get("orchestration_id").asText();
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              JsonNode o = api.get("/api/orchestrations/" + createId).body();
              return o != null
                  && o.get("custom_status") != null
                  && !o.get("custom_status").isNull();
            });
    server.kill();

    server = ServerProcess.start(dataDir, port, 28432);
    TestHttpClient again = server.api();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              JsonNode crashy = instance(again, "crashy");
              assertThat(crashy.get("state").asText()).isEqualTo("running");
              assertThat(crashy.get("health_status").asText()).isEqualTo("healthy");
            });
    assertThat(again.get("/api/orchestrations/" + createId).body().get("status").asText())
        .isEqualTo("completed");
    for (String name : new String[] {"steady", "crashy"}) {
      String k8s = instance(again, name).get("k8s_name").asText();
      await().atMost(WAIT).until(() -> runningActors(again, k8s) == 1);
    }

    server.kill();
    server = ServerProcess.start(dataDir, port, 28432);
    // Taken once the new server listens, seconds after the kill: a health check the old server
    // committed as it died (its COMMIT already on the wire) is older than this, so only the new
    // server's checks can satisfy the wait below.
    Instant restarted = Instant.now();
    TestHttpClient third = server.api();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(Instant.parse(instance(third, "steady").get("last_health_check").asText()))
                  .isAfter(restarted);
              assertThat(Instant.parse(instance(third, "crashy").get("last_health_check").asText()))
                  .isAfter(restarted);
            });
    for (String name : new String[] {"steady", "crashy"}) {
      JsonNode i = instance(third, name);
      assertThat(runningActors(third, i.get("k8s_name").asText())).isEqualTo(1);
      assertThat(i.get("health_status").asText()).isEqualTo("healthy");
    }
  }
}
