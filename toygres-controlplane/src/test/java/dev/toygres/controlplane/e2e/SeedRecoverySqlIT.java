package dev.toygres.controlplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toygres.controlplane.testkit.TestServer;
import dev.toygres.postgres.EmbeddedPostgres;
import dev.toygres.testkit.TestHttpClient;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The operator guide's recovery SQL, run unchanged against the CMS, finds the instance whose actor
 * was made stale and only that one; restarting that actor through the API (the guide's next step)
 * brings its health checks back.
 */
class SeedRecoverySqlIT {
  private static final String SEED_SQL =
      """
      SELECT user_name, k8s_name, last_health_check, instance_actor_orchestration_id
      FROM toygres_cms.instances
      WHERE state = 'running'
        AND (last_health_check IS NULL OR last_health_check < NOW() - INTERVAL '5 minutes');""";

  @Test
  void theGuidesQueryFindsTheStaleActorAndTheGuidesRestartFixesIt() throws Exception {
    try (TestServer server = TestServer.start("seed", 30432)) {
      TestHttpClient api = server.api();
      try {
        for (String n : new String[] {"fresh", "stale"}) {
          assertThat(
                  api.post("/api/instances", Map.of("name", n, "password", n + "-secret-1"))
                      .status())
              .isEqualTo(202);
        }
        for (String n : new String[] {"fresh", "stale"}) {
          await()
              .atMost(Duration.ofSeconds(90))
              .until(
                  () ->
                      "healthy"
                          .equals(
                              api.get("/api/instances/" + n).body().get("health_status").asText()));
        }
        JsonNode stale = api.get("/api/instances/stale").body();
        String actor = stale.get("instance_actor_orchestration_id").asText();
        // The actor dies behind the API's back (monitoring stays on), and five minutes pass.
        assertThat(
                api.post("/api/orchestrations/" + actor + "/cancel", Map.of("reason", "test"))
                    .status())
            .isEqualTo(202);
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    !"running"
                        .equals(
                            api.get("/api/orchestrations/" + actor).body().get("status").asText()));
        try (Connection c = cms(server);
            Statement st = c.createStatement()) {
          st.executeUpdate(
              "UPDATE toygres_cms.instances SET last_health_check = now() - interval '6 minutes' WHERE user_name = 'stale'");
          List<String> rows = new ArrayList<>();
          try (ResultSet rs = st.executeQuery(SEED_SQL)) {
            while (rs.next()) {
              rows.add(
                  rs.getString("user_name")
                      + "|"
                      + rs.getString("k8s_name")
                      + "|"
                      + rs.getString("instance_actor_orchestration_id"));
            }
          }
          assertThat(rows).containsExactly("stale|" + stale.get("k8s_name").asText() + "|" + actor);
        }
        TestHttpClient.Response restarted = api.post("/api/instances/stale/actor/start", null);
        assertThat(restarted.status()).as(restarted.raw()).isEqualTo(200);
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () -> {
                  try (Connection c = cms(server);
                      Statement st = c.createStatement();
                      ResultSet rs = st.executeQuery(SEED_SQL)) {
                    assertThat(rs.next()).isFalse();
                  }
                });
      } finally {
        for (String n : new String[] {"fresh", "stale"}) {
          api.delete("/api/instances/" + n);
        }
        await()
            .atMost(Duration.ofSeconds(90))
            .until(() -> api.get("/api/instances").body().size() == 0);
      }
    }
  }

  /**
   * A connection to the server's embedded metadata database, with the password it keeps on disk.
   */
  private static Connection cms(TestServer server) throws Exception {
    var dir = server.dataDir().resolve("postgres");
    String password = Files.readString(dir.resolve("password")).trim();
    String port = Files.readString(dir.resolve("port")).trim();
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + port + "/toygres", EmbeddedPostgres.USER, password);
  }
}
