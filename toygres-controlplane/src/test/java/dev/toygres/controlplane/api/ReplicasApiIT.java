package dev.toygres.controlplane.api;

import static dev.toygres.controlplane.api.HttpApiTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toygres.controlplane.testkit.TestServer;
import dev.toygres.testkit.TestHttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Instances with streaming standbys through the API: create with replicas, members, the multi-host
 * connection strings, scale, and stop, start and delete acting on every member, against a real
 * server and real PostgreSQL servers.
 */
class ReplicasApiIT {
  static final String PASSWORD = "correct-horse-battery-1";
  static final Duration WAIT = Duration.ofSeconds(120);
  static final Path PSQL = Path.of("/usr/lib/postgresql/15/bin/psql");
  static TestServer server;
  static TestHttpClient client;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start("replicas-api", 37432);
    client = TestHttpClient.local(server.server().port(), TestServer.TOKEN);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void anInstanceWithAReplicaServesWritesAndReadsThroughItsConnectionStrings() throws Exception {
    create("{\"name\":\"rep-a\",\"postgres_version\":18,\"replicas\":1,");
    JsonNode d = awaitStreaming("rep-a", 2);
    JsonNode members = d.get("members");
    assertThat(roles(members)).containsExactly("primary", "standby");
    int primaryPort = members.get(0).get("port").asInt();
    int standbyPort = members.get(1).get("port").asInt();
    assertThat(members.get(0).get("pid").asLong())
        .isEqualTo(d.get("data_plane").get("pid").asLong());
    assertThat(members.get(1).get("lag_bytes").asLong()).isGreaterThanOrEqualTo(0);
    assertThat(members.get(1).get("timeline").asInt()).isEqualTo(1);
    assertThat(members.get(1).has("lag_seconds")).isTrue();
    String rw = d.get("connection_string").asText();
    String ro = d.get("read_only_connection_string").asText();
    assertThat(rw)
        .isEqualTo(
            "postgresql://postgres:****@127.0.0.1:"
                + primaryPort
                + ",127.0.0.1:"
                + standbyPort
                + "/postgres?target_session_attrs=read-write");
    assertThat(ro).endsWith("/postgres?target_session_attrs=prefer-standby");
    assertThat(client.get("/api/instances/rep-a").raw()).doesNotContain(PASSWORD);

    // JDBC with the same hosts, standby listed first: it still lands on the primary.
    String hosts = "127.0.0.1:" + standbyPort + ",127.0.0.1:" + primaryPort;
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:postgresql://" + hosts + "/postgres?targetServerType=primary",
                "postgres",
                PASSWORD);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE kept (v int)");
      s.execute("INSERT INTO kept SELECT generate_series(1, 100)");
    }
    await()
        .atMost(WAIT)
        .until(
            () ->
                "100"
                    .equals(
                        query(
                            "jdbc:postgresql://"
                                + hosts
                                + "/postgres?targetServerType=preferSecondary",
                            "SELECT count(*) FROM kept WHERE pg_is_in_recovery()")));

    if (Files.isExecutable(PSQL)) {
      String withPassword = rw.replace(":****@", ":" + PASSWORD + "@");
      assertThat(psql(withPassword, "SELECT pg_is_in_recovery()")).isEqualTo("f");
      assertThat(psql(ro.replace(":****@", ":" + PASSWORD + "@"), "SELECT pg_is_in_recovery()"))
          .isEqualTo("t");
    }
  }

  @Test
  void scalingAddsAndRemovesStandbysAndStopStartDeleteActOnEveryMember() throws Exception {
    create("{\"name\":\"rep-s\",\"postgres_version\":18,\"replicas\":1,");
    awaitStreaming("rep-s", 2);
    completes(scale("rep-s", 2));
    JsonNode two = awaitStreaming("rep-s", 3);
    assertThat(roles(two.get("members"))).containsExactly("primary", "standby", "standby");
    assertThat(two.get("connection_string").asText().split(",")).hasSize(3);
    long removed = two.get("members").get(2).get("pid").asLong();

    completes(scale("rep-s", 1));
    JsonNode one = awaitStreaming("rep-s", 2);
    assertThat(ProcessHandle.of(removed).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(slots("rep-s", one)).isEqualTo("standby_1");

    completes(lifecycle("rep-s", "stop"));
    List<Long> pids = pids(one.get("members"));
    await().atMost(WAIT).until(() -> pids.stream().noneMatch(ReplicasApiIT::alive));
    JsonNode stopped = detail("rep-s");
    assertThat(StreamSupport.stream(stopped.get("members").spliterator(), false))
        .allMatch(m -> m.get("health").asText().equals("stopped"));

    completes(lifecycle("rep-s", "start"));
    JsonNode started = awaitStreaming("rep-s", 2);
    List<Long> again = pids(started.get("members"));
    assertThat(again).doesNotContainAnyElementsOf(pids);

    completes(scale("rep-s", 0));
    JsonNode none = detail("rep-s");
    assertThat(roles(none.get("members"))).containsExactly("primary");
    assertThat(none.get("connection_string").asText()).doesNotContain(",");
    assertThat(none.get("read_only_connection_string").isNull()).isTrue();
    assertThat(slots("rep-s", none)).isNull();
    assertThat(alive(again.get(1))).isFalse();

    completes(scale("rep-s", 1));
    List<Long> last = pids(awaitStreaming("rep-s", 2).get("members"));
    String deleteId = client.delete("/api/instances/rep-s").json().get("orchestration_id").asText();
    completes(deleteId);
    await().atMost(WAIT).until(() -> last.stream().noneMatch(ReplicasApiIT::alive));
  }

  @Test
  void aSynchronousInstanceWithTwoReplicasWaitsForOneOfThemOnPostgres15() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Files.isDirectory(Path.of("/usr/lib/postgresql/15/bin")), "no system PostgreSQL 15");
    create("{\"name\":\"rep-sync\",\"postgres_version\":15,\"replicas\":2,\"synchronous\":true,");
    JsonNode d = awaitStreaming("rep-sync", 3);
    String url =
        "jdbc:postgresql://127.0.0.1:" + d.get("members").get(0).get("port").asInt() + "/postgres";
    assertThat(query(url, "SHOW synchronous_standby_names"))
        .isEqualTo("ANY 1 (standby_1, standby_2)");
    assertThat(query(url, "SHOW server_version")).startsWith("15.");
    try (Connection c = DriverManager.getConnection(url, "postgres", PASSWORD);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE synced AS SELECT generate_series(1, 50) AS v");
    }
    for (int i = 1; i <= 2; i++) {
      String standby =
          "jdbc:postgresql://127.0.0.1:"
              + d.get("members").get(i).get("port").asInt()
              + "/postgres";
      await().atMost(WAIT).until(() -> "50".equals(query(standby, "SELECT count(*) FROM synced")));
    }
  }

  @Test
  void anInstanceWithoutReplicasListsItsPrimaryAloneAndKeepsItsSingleHostString() throws Exception {
    create("{\"name\":\"rep-zero\",\"postgres_version\":18,");
    JsonNode d = detail("rep-zero");
    assertThat(roles(d.get("members"))).containsExactly("primary");
    JsonNode primary = d.get("members").get(0);
    assertThat(primary.get("pid").asLong()).isEqualTo(d.get("data_plane").get("pid").asLong());
    assertThat(primary.get("port").asInt()).isEqualTo(d.get("data_plane").get("port").asInt());
    assertThat(primary.get("health").asText()).isIn("healthy", "unknown");
    assertThat(d.get("connection_string").asText())
        .isEqualTo(
            "postgresql://postgres:****@127.0.0.1:"
                + d.get("data_plane").get("port").asInt()
                + "/postgres");
    assertThat(d.get("read_only_connection_string").isNull()).isTrue();
    assertError(client.post("/api/instances/rep-zero/scale", "{}"), 400);
    assertError(client.post("/api/instances/rep-zero/scale", "{\"replicas\":6}"), 400);
    completes(lifecycle("rep-zero", "stop"));
    assertThat(assertError(client.post("/api/instances/rep-zero/scale", "{\"replicas\":1}"), 409))
        .contains("stopped");
  }

  @Test
  void replicasOutOfRangeAndSynchronousWithoutReplicasAreRefused() throws Exception {
    assertThat(
            assertError(
                client.post(
                    "/api/instances",
                    "{\"name\":\"rep-bad\",\"password\":\"" + PASSWORD + "\",\"replicas\":6}"),
                400))
        .contains("replicas");
    assertThat(
            assertError(
                client.post(
                    "/api/instances",
                    "{\"name\":\"rep-bad\",\"password\":\""
                        + PASSWORD
                        + "\",\"synchronous\":true}"),
                400))
        .contains("synchronous");
    assertThat(client.get("/api/instances/rep-bad").status()).isEqualTo(404);
  }

  private static void create(String bodyStart) throws Exception {
    TestHttpClient.Response r =
        client.post("/api/instances", bodyStart + "\"password\":\"" + PASSWORD + "\"}");
    assertThat(r.status()).as(r.raw()).isEqualTo(202);
    completes(r.json().get("orchestration_id").asText());
  }

  private static String scale(String name, int replicas) throws Exception {
    TestHttpClient.Response r =
        client.post("/api/instances/" + name + "/scale", "{\"replicas\":" + replicas + "}");
    assertThat(r.status()).as(r.raw()).isEqualTo(202);
    return r.json().get("orchestration_id").asText();
  }

  private static String lifecycle(String name, String op) throws Exception {
    TestHttpClient.Response r = client.post("/api/instances/" + name + "/" + op);
    assertThat(r.status()).as(r.raw()).isEqualTo(202);
    return r.json().get("orchestration_id").asText();
  }

  private static void completes(String orchestrationId) {
    String[] status = new String[1];
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              status[0] =
                  client
                      .get("/api/orchestrations/" + orchestrationId)
                      .json()
                      .get("status")
                      .asText();
              return !status[0].equals("running");
            });
    assertThat(status[0])
        .as(client.get("/api/orchestrations/" + orchestrationId).raw())
        .isEqualTo("completed");
  }

  private static JsonNode detail(String name) throws Exception {
    return client.get("/api/instances/" + name).json();
  }

  /** The instance once it has {@code servers} members, all healthy, standbys with a lag. */
  private static JsonNode awaitStreaming(String name, int servers) {
    JsonNode[] d = new JsonNode[1];
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              d[0] = detail(name);
              JsonNode m = d[0].get("members");
              if (m == null || m.size() != servers) {
                return false;
              }
              for (int i = 0; i < m.size(); i++) {
                if (!m.get(i).get("health").asText().equals("healthy")
                    || (i > 0 && m.get(i).get("lag_bytes").isNull())) {
                  return false;
                }
              }
              return true;
            });
    return d[0];
  }

  private static List<String> roles(JsonNode members) {
    List<String> out = new ArrayList<>();
    members.forEach(m -> out.add(m.get("role").asText()));
    return out;
  }

  private static List<Long> pids(JsonNode members) {
    List<Long> out = new ArrayList<>();
    members.forEach(m -> out.add(m.get("pid").asLong()));
    return out;
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && !zombie(pid);
  }

  private static boolean zombie(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static String slots(String name, JsonNode d) throws Exception {
    return query(
        "jdbc:postgresql://127.0.0.1:" + d.get("members").get(0).get("port").asInt() + "/postgres",
        "SELECT string_agg(slot_name, ',' ORDER BY slot_name) FROM pg_replication_slots");
  }

  private static String query(String url, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(url, "postgres", PASSWORD);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  private static String psql(String conninfo, String sql) throws Exception {
    Process p =
        new ProcessBuilder(PSQL.toString(), "-XAtq", "-d", conninfo, "-c", sql)
            .redirectErrorStream(true)
            .start();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        throw new AssertionError("psql did not finish");
      }
      return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    } finally {
      p.destroyForcibly();
    }
  }
}
