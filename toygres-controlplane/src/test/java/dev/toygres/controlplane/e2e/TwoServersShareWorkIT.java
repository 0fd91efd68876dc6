package dev.toygres.controlplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toygres.controlplane.testkit.LeftoverServers;
import dev.toygres.controlplane.testkit.ServerProcess;
import dev.toygres.controlplane.testkit.TestDirectories;
import dev.toygres.postgres.EmbeddedPostgres;
import dev.toygres.testkit.TestHttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two server processes on one external metadata database (and one data directory, as the local data
 * plane needs): both take requests and run work, and when one is killed the other keeps every
 * instance monitored.
 */
class TwoServersShareWorkIT {
  private static final Duration WAIT = Duration.ofMinutes(3);

  @Test
  void twoServersShareOneDatabaseAndOneCarriesOnWhenTheOtherDies() throws Exception {
    Path root = TestDirectories.create("shared");
    Path dataDir = root.resolve("toygres");
    ServerProcess a = null;
    ServerProcess b = null;
    try (EmbeddedPostgres db = EmbeddedPostgres.start(root.resolve("metadata"))) {
      String url = db.jdbcUrl() + "?user=" + db.user() + "&password=" + db.password();
      // In the environment: a password in --database-url is refused (ps shows command lines).
      Map<String, String> env = Map.of("DATABASE_URL", url);
      // Two servers on one machine run two orchestration dispatchers each (docs/operations.md):
      // one told so by its environment, the other by its flag.
      a =
          ServerProcess.start(
              dataDir,
              ServerProcess.freePort(),
              31432,
              Map.of("DATABASE_URL", url, "TOYGRES_ORCHESTRATION_DISPATCHERS", "2"));
      b =
          ServerProcess.start(
              dataDir, ServerProcess.freePort(), 31432, env, "--orchestration-dispatchers", "2");
      TestHttpClient apiA = a.api();
      TestHttpClient apiB = b.api();
      for (TestHttpClient api : List.of(apiA, apiB)) {
        await()
            .atMost(WAIT)
            .untilAsserted(
                () ->
                    assertThat(dispatchers(api))
                        .containsExactly(
                            "orchestration-dispatcher-0", "orchestration-dispatcher-1"));
      }
      for (int i = 0; i < 4; i++) {
        TestHttpClient api = i % 2 == 0 ? apiA : apiB;
        TestHttpClient.Response r =
            api.post(
                "/api/instances", Map.of("name", "shared-" + i, "password", "shared-secret-" + i));
        assertThat(r.status()).as(r.raw()).isEqualTo(202);
      }
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                JsonNode all = apiB.get("/api/instances").body();
                assertThat(all).hasSize(4);
                all.forEach(i -> assertThat(i.get("health_status").asText()).isEqualTo("healthy"));
              });
      assertThat(apiA.get("/api/instances").body()).hasSize(4);

      Map<String, Instant> lastChecks = new HashMap<>();
      apiB.get("/api/instances")
          .body()
          .forEach(
              i ->
                  lastChecks.put(
                      i.get("name").asText(), Instant.parse(i.get("last_health_check").asText())));
      a.kill();
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  apiB.get("/api/instances")
                      .body()
                      .forEach(
                          i ->
                              assertThat(Instant.parse(i.get("last_health_check").asText()))
                                  .isAfter(lastChecks.get(i.get("name").asText()))));
      for (JsonNode i : apiB.get("/api/instances").body()) {
        int running =
            apiB.get(
                    "/api/orchestrations?status=running&prefix=actor-" + i.get("k8s_name").asText())
                .body()
                .get("items")
                .size();
        assertThat(running).isEqualTo(1);
        assertThat(apiB.delete("/api/instances/" + i.get("name").asText()).status()).isEqualTo(202);
      }
      await().atMost(WAIT).until(() -> apiB.get("/api/instances").body().size() == 0);
      b.close();
    } finally {
      if (a != null) {
        a.kill();
      }
      if (b != null) {
        b.kill();
      }
      LeftoverServers.stopAll(root);
    }
  }

  /** The orchestration dispatchers a server's liveness report lists, by name. */
  private static List<String> dispatchers(TestHttpClient api) {
    List<String> names = new ArrayList<>();
    api.get("/health/live")
        .body()
        .get("components")
        .forEach(
            c -> {
              String name = c.get("name").asText();
              if (name.startsWith("orchestration-dispatcher-")) {
                names.add(name);
              }
            });
    names.sort(null);
    return names;
  }
}
