package dev.toygres.controlplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toygres.controlplane.testkit.LeftoverServers;
import dev.toygres.controlplane.testkit.ServerProcess;
import dev.toygres.controlplane.testkit.TestDirectories;
import dev.toygres.controlplane.testkit.TestServer;
import dev.toygres.testkit.TestHttpClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * No secret the server holds or is given appears in any log an operator reads: a real server (a
 * child JVM, its log level INFO) creates an instance with a standby and a known password, changes
 * the password, makes a named API token, takes a backup and restores it into a second instance,
 * lets the tenant fail an {@code ALTER ROLE ... PASSWORD}, and is restarted with {@code
 * --log-format json} to do more; then its log files, its console output, its JSON log and {@code
 * GET /api/instances/{name}/logs} of every member hold none of the passwords, tokens, the secret
 * key, the metadata database's password or the standby's replication password.
 */
class LogSecretsIT {
  private static final Duration WAIT = Duration.ofMinutes(4);
  private static final int FIRST_PORT = 52432;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CREATE_PASSWORD = "create-pw-Zq81xK";
  private static final String ROTATED_PASSWORD = "rotated-pw-Hv27aQ";
  private static final String RESTORE_PASSWORD = "restore-pw-Lm93tB";
  private static final String FAILED_ALTER_PASSWORD = "failed-alter-pw-Wd45rN";
  private static final String LAST_PASSWORD = "last-pw-Cx62pJ";

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

  @Test
  void noLogAnOperatorReadsHoldsAnySecretTheServerHolds() throws Exception {
    dataDir = TestDirectories.create("log-secrets");
    int port = ServerProcess.freePort();
    Map<String, String> env = Map.of("TOYGRES_LOG_LEVEL", "INFO");
    server = ServerProcess.start(dataDir, port, FIRST_PORT, env);
    TestHttpClient api = server.api();
    List<String> secrets = new ArrayList<>();
    secrets.addAll(
        List.of(
            TestServer.TOKEN,
            CREATE_PASSWORD,
            ROTATED_PASSWORD,
            RESTORE_PASSWORD,
            FAILED_ALTER_PASSWORD,
            LAST_PASSWORD));

    created(
        api.post(
            "/api/instances",
            Map.of("name", "logsec", "password", CREATE_PASSWORD, "replicas", 1)));
    awaitRunning(api, "logsec");
    await()
        .atMost(WAIT)
        .until(() -> api.get("/api/instances/logsec").body().path("members").size() == 2);
    assertThat(
            api.post("/api/instances/logsec/password", Map.of("password", ROTATED_PASSWORD))
                .status())
        .isEqualTo(200);
    try (Connection c = tenant(api, "logsec", ROTATED_PASSWORD)) {
      failing(c, "ALTER ROLE no_such_role PASSWORD '" + FAILED_ALTER_PASSWORD + "'");
      failing(c, "ALTER ROLE postgres PASSWORD '" + FAILED_ALTER_PASSWORD + "' VALID UNTILL");
      c.createStatement().execute("CREATE TABLE t AS SELECT 1 AS n");
    }
    TestHttpClient.Response token =
        api.post("/api/tokens", Map.of("name", "log-viewer", "role", "viewer"));
    assertThat(token.status()).as(token.raw()).isEqualTo(201);
    secrets.add(token.body().get("token").asText());

    TestHttpClient.Response backup = api.post("/api/instances/logsec/backups", null);
    assertThat(backup.status()).as(backup.raw()).isEqualTo(202);
    String backupId = backup.body().get("backup_id").asText();
    await()
        .atMost(WAIT)
        .until(
            () ->
                !"running"
                    .equals(api.get("/api/backups/" + backupId).body().get("status").asText()));
    Map<String, Object> restore = new LinkedHashMap<>();
    restore.put("name", "logsec-copy");
    restore.put("password", RESTORE_PASSWORD);
    restore.put("restore", Map.of("from", "logsec"));
    created(api.post("/api/instances", restore));
    awaitRunning(api, "logsec-copy");

    server.close();
    server = ServerProcess.start(dataDir, port, FIRST_PORT, env, "--log-format", "json");
    TestHttpClient again = server.api();
    assertThat(
            again
                .post("/api/instances/logsec-copy/password", Map.of("password", LAST_PASSWORD))
                .status())
        .isEqualTo(200);
    TestHttpClient.Response restart = again.post("/api/instances/logsec-copy/restart", null);
    assertThat(restart.status()).as(restart.raw()).isEqualTo(202);
    String restartId = restart.body().get("orchestration_id").asText();
    await()
        .atMost(WAIT)
        .until(
            () ->
                "completed"
                    .equals(
                        again
                            .get("/api/orchestrations/" + restartId)
                            .body()
                            .get("status")
                            .asText()));
    awaitRunning(again, "logsec-copy");
    TestHttpClient.Response second =
        again.post("/api/tokens", Map.of("name", "log-operator", "role", "operator"));
    assertThat(second.status()).as(second.raw()).isEqualTo(201);
    secrets.add(second.body().get("token").asText());

    secrets.add(Files.readString(dataDir.resolve("secret.key")).strip());
    secrets.add(Files.readString(dataDir.resolve("postgres").resolve("password")).strip());
    secrets.addAll(replicationPasswords(dataDir));

    Map<String, String> logs = new LinkedHashMap<>();
    List<Path> files;
    try (Stream<Path> s = Files.list(dataDir.resolve("logs"))) {
      files = s.filter(p -> p.getFileName().toString().endsWith(".log")).toList();
    }
    assertThat(files).extracting(p -> p.getFileName().toString()).contains("toygres.log");
    for (Path f : files) {
      logs.put("server log file " + f.getFileName(), Files.readString(f, StandardCharsets.UTF_8));
    }
    String console = server.output();
    logs.put("console output", console);
    for (String name : List.of("logsec", "logsec-copy")) {
      JsonNode answer = again.get("/api/instances/" + name + "/logs?tail=10000").body();
      for (JsonNode m : answer.get("members")) {
        StringBuilder b = new StringBuilder();
        m.get("lines").forEach(l -> b.append(l.asText()).append('\n'));
        logs.put("GET /api/instances/" + name + "/logs, " + m.get("member").asText(), b.toString());
      }
      if (name.equals("logsec")) {
        assertThat(answer.get("members")).hasSize(2);
      }
    }

    // The logs were written, in both formats: the search below looks at real text.
    String file = logs.get("server log file toygres.log");
    List<String> jsonLines = file.lines().filter(l -> l.startsWith("{")).toList();
    assertThat(jsonLines).as(file).isNotEmpty();
    for (String line : jsonLines) {
      JsonNode event = JSON.readTree(line);
      assertThat(event.has("level") && event.has("loggerName")).as(line).isTrue();
    }
    assertThat(file.lines().filter(l -> !l.startsWith("{"))).as(file).isNotEmpty();
    assertThat(console).contains("\"loggerName\"");
    assertThat(logs.get("GET /api/instances/logsec/logs, " + primaryName(again, "logsec")))
        .contains("database system is ready to accept connections")
        .contains("no_such_role");

    for (Map.Entry<String, String> log : logs.entrySet()) {
      for (String secret : secrets) {
        assertThat(log.getValue())
            .as("%s must not hold the secret %s...", log.getKey(), secret.substring(0, 4))
            .doesNotContain(secret);
      }
    }
  }

  private static String primaryName(TestHttpClient api, String name) {
    for (JsonNode m : api.get("/api/instances/" + name + "/logs?tail=1").body().get("members")) {
      if (m.get("role").asText().equals("primary")) {
        return m.get("member").asText();
      }
    }
    throw new AssertionError("no primary in the logs of " + name);
  }

  private static void created(TestHttpClient.Response r) {
    assertThat(r.status()).as(r.raw()).isEqualTo(202);
  }

  private static void awaitRunning(TestHttpClient api, String name) {
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
              assertThat(i.get("health_status").asText()).isEqualTo("healthy");
            });
  }

  private static Connection tenant(TestHttpClient api, String name, String password)
      throws SQLException {
    int port = api.get("/api/instances/" + name).body().get("data_plane").get("port").asInt();
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", password);
  }

  private static void failing(Connection c, String statement) {
    try {
      c.createStatement().execute(statement);
      throw new AssertionError("expected to fail: " + statement);
    } catch (SQLException expected) {
      // the server logged the error; the statement must not be in the log
    }
  }

  /** The replication passwords in the standbys' {@code primary_conninfo}. */
  private static List<String> replicationPasswords(Path dataDir) throws IOException {
    List<String> out = new ArrayList<>();
    Pattern password = Pattern.compile("password=([^ ']+)");
    try (Stream<Path> all = Files.walk(dataDir.resolve("instances"))) {
      for (Path f :
          all.filter(p -> p.getFileName().toString().equals("postgresql.auto.conf")).toList()) {
        Matcher m = password.matcher(Files.readString(f));
        while (m.find()) {
          out.add(m.group(1));
        }
      }
    }
    assertThat(out).as("the standby's replication password").isNotEmpty();
    return out;
  }
}
