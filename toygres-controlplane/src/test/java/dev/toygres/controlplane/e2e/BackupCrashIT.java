package dev.toygres.controlplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toygres.controlplane.testkit.LeftoverServers;
import dev.toygres.controlplane.testkit.ServerProcess;
import dev.toygres.controlplane.testkit.TestDirectories;
import dev.toygres.testkit.TestHttpClient;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The control plane killed with SIGKILL while the data plane takes a base backup, and while it
 * restores one: started again on the same data directory, the backup ends completed and verified
 * and the restored instance runs with the backup's rows, one server of it, nothing half-made.
 */
class BackupCrashIT {
  private static final Duration WAIT = Duration.ofMinutes(4);
  private static final String PASSWORD = "crash-secret-1";
  private static final int FIRST_PORT = 47432;
  private Path dataDir;
  private ServerProcess server;

  @AfterEach
  void cleanUp() throws Exception {
    try {
      if (server != null) {
        TestHttpClient api = server.api();
        for (JsonNode i : api.get("/api/instances").body()) {
          api.delete("/api/instances/" + i.get("name").asText() + "?backups=delete");
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

  /** Waits until the orchestration's custom status starts with {@code step}. */
  private static void awaitStep(TestHttpClient api, String orchestrationId, String step) {
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              JsonNode o = api.get("/api/orchestrations/" + orchestrationId).body();
              return o != null
                  && o.get("custom_status") != null
                  && o.get("custom_status").asText("").contains(step);
            });
  }

  private static long count(TestHttpClient api, String name, String query) throws Exception {
    int port = instance(api, name).get("data_plane").get("port").asInt();
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", PASSWORD);
        ResultSet rs = c.createStatement().executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void sql(TestHttpClient api, String name, String statement) throws Exception {
    int port = instance(api, name).get("data_plane").get("port").asInt();
    try (Connection c =
        DriverManager.getConnection(
            "jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", PASSWORD)) {
      c.createStatement().execute(statement);
    }
  }

  @Test
  void killedDuringABaseBackupAndDuringARestoreBothFinishAfterRestart() throws Exception {
    dataDir = TestDirectories.create("backup-crash");
    int port = ServerProcess.freePort();
    server = ServerProcess.start(dataDir, port, FIRST_PORT);
    TestHttpClient api = server.api();
    api.post("/api/instances", Map.of("name", "src", "password", PASSWORD));
    await()
        .atMost(WAIT)
        .until(() -> "healthy".equals(instance(api, "src").get("health_status").asText()));
    // Enough data that the copy takes a moment.
    sql(
        api,
        "src",
        "CREATE TABLE t AS SELECT n, repeat('x', 200) AS pad FROM generate_series(1, 200000) n");

    TestHttpClient.Response started = api.post("/api/instances/src/backups", null);
    assertThat(started.status()).as(started.raw()).isEqualTo(202);
    String backupId = started.body().get("backup_id").asText();
    awaitStep(api, backupId, "taking base backup");
    server.kill();

    server = ServerProcess.start(dataDir, port, FIRST_PORT);
    TestHttpClient again = server.api();
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(250))
        .until(
            () ->
                !"running"
                    .equals(again.get("/api/backups/" + backupId).body().get("status").asText()));
    JsonNode b = again.get("/api/backups/" + backupId).body();
    assertThat(b.get("status").asText()).as(b.toString()).isEqualTo("completed");
    assertThat(b.get("verified").asBoolean()).isTrue();

    TestHttpClient.Response restore =
        again.post(
            "/api/instances",
            Map.of("name", "copy", "password", PASSWORD, "restore", Map.of("from", backupId)));
    assertThat(restore.status()).as(restore.raw()).isEqualTo(202);
    String createId = restore.body().get("orchestration_id").asText();
    awaitStep(again, createId, "restoring from backup");
    server.kill();

    server = ServerProcess.start(dataDir, port, FIRST_PORT);
    TestHttpClient third = server.api();
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () -> {
              JsonNode copy = instance(third, "copy");
              assertThat(copy.get("state").asText()).as(copy.toString()).isEqualTo("running");
              assertThat(copy.get("health_status").asText()).isEqualTo("healthy");
            });
    assertThat(third.get("/api/orchestrations/" + createId).body().get("status").asText())
        .isEqualTo("completed");
    assertThat(count(third, "copy", "SELECT count(*) FROM t")).isEqualTo(200000);
    JsonNode copy = instance(third, "copy");
    long pid = copy.get("data_plane").get("pid").asLong();
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);
    // No second server of the copy (from an attempt cut short by the kill): every process whose
    // command names its data directory is the recorded server, one of its wrappers, or its child.
    String copyDir = copy.get("data_plane").get("data_dir").asText();
    assertThat(
            ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(copyDir)).orElse(false))
                .filter(p -> !related(p, pid)))
        .isEmpty();
  }

  private static boolean related(ProcessHandle p, long serverPid) {
    if (p.pid() == serverPid) {
      return true;
    }
    for (Optional<ProcessHandle> up = p.parent(); up.isPresent(); up = up.get().parent()) {
      if (up.get().pid() == serverPid) {
        return true;
      }
    }
    Optional<ProcessHandle> server = ProcessHandle.of(serverPid);
    for (Optional<ProcessHandle> up = server.flatMap(ProcessHandle::parent);
        up.isPresent();
        up = up.get().parent()) {
      if (up.get().pid() == p.pid()) {
        return true;
      }
    }
    return false;
  }
}
