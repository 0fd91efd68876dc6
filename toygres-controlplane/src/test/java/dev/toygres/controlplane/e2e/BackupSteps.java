package dev.toygres.controlplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toygres.testkit.TestHttpClient;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the backup tests do as a user would, through a real server's API: create (or restore) an
 * instance and wait until it runs, run SQL on it as its tenant, take a backup and wait until it
 * ends.
 */
final class BackupSteps {
  static final Duration WAIT = Duration.ofMinutes(3);

  private final TestHttpClient api;
  private final String password;

  BackupSteps(TestHttpClient api, String password) {
    this.api = api;
    this.password = password;
  }

  /** {@code POST /api/instances}, restored when {@code restore} is not null. */
  TestHttpClient.Response create(String name, Map<String, Object> restore) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", name);
    body.put("password", password);
    if (restore != null) {
      body.put("restore", restore);
    }
    return api.post("/api/instances", body);
  }

  void awaitRunning(String name) {
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () -> {
              JsonNode i = api.get("/api/instances/" + name).body();
              assertThat(i.get("state").asText())
                  .as("%s; events: %s", name, api.get("/api/instances/" + name + "/events").raw())
                  .isNotEqualTo("failed")
                  .isEqualTo("running");
            });
  }

  Connection connect(String name) throws SQLException {
    int port = api.get("/api/instances/" + name).body().get("data_plane").get("port").asInt();
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", password);
  }

  void sql(String name, String... statements) throws SQLException {
    try (Connection c = connect(name);
        Statement s = c.createStatement()) {
      for (String q : statements) {
        s.execute(q);
      }
    }
  }

  String one(String name, String query) throws SQLException {
    try (Connection c = connect(name);
        ResultSet rs = c.createStatement().executeQuery(query)) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** Takes a backup of {@code name} and waits until it ended; its record then. */
  JsonNode backupNow(String name) {
    TestHttpClient.Response r = api.post("/api/instances/" + name + "/backups", null);
    assertThat(r.status()).as(r.raw()).isEqualTo(202);
    String id = r.body().get("backup_id").asText();
    assertThat(r.body().get("orchestration_id").asText()).isEqualTo(id);
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> !"running".equals(api.get("/api/backups/" + id).body().get("status").asText()));
    return api.get("/api/backups/" + id).body();
  }
}
