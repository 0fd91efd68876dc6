package dev.toygres.controlplane.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toygres.controlplane.testkit.ServerProcess;
import dev.toygres.testkit.TestHttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Automatic failover and switchover end to end (issue 11): a real control plane (a child JVM on an
 * external metadata database), instances with real standbys, a tenant's client inserting rows in a
 * loop through the connection string the API gave, and the primary's server killed with SIGKILL.
 * Every acknowledged row must survive a synchronous failover and a switchover; an asynchronous
 * failover's losses are counted and printed; without a standby that answers the crash restart
 * brings the primary back; a control plane killed in the middle of a failover finishes it on
 * restart with one primary and one failover.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverIT {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final String PASSWORD = "failover-secret-1";
  private static FaultRig rig;
  private static ServerProcess server;
  private static TestHttpClient api;

  @BeforeAll
  static void start() throws Exception {
    rig = FaultRig.start("failover", false);
    server = rig.startServer("--failover-cooldown", "0s");
    api = server.api();
  }

  @AfterAll
  static void stop() {
    if (rig != null) {
      rig.close();
    }
  }

  @Test
  @Order(1)
  void aSynchronousFailoverAfterThePrimaryIsKilledLosesNoAcknowledgedRow() throws Exception {
    Outcome o = failOverUnderWrites("fo-sync", 1, true, "18");
    assertThat(o.lost()).as("acknowledged rows missing after a synchronous failover").isEmpty();
    assertThat(o.fastLost()).as("acknowledged fast inserts missing").isEmpty();
    assertThat(o.outage()).isLessThanOrEqualTo(Duration.ofSeconds(30));
    report("synchronous failover (PostgreSQL 18)", o);
  }

  @Test
  @Order(2)
  void anAsynchronousFailoverCountsTheAcknowledgedRowsItLost() throws Exception {
    Outcome o = failOverUnderWrites("fo-async", 1, false, "18");
    assertThat(o.outage()).isLessThanOrEqualTo(Duration.ofSeconds(30));
    report("asynchronous failover (PostgreSQL 18)", o);
  }

  @Test
  @Order(3)
  void withTwoReplicasTheMostAdvancedStandbyIsPromoted() throws Exception {
    JsonNode created = create("fo-two", 2, true, "15");
    String k8s = created.get("k8s_name").asText();
    SqlClient client = client(created);
    client.run("CREATE TABLE t (id integer PRIMARY KEY)");
    // Standby 2 stops receiving: its walreceiver is frozen while rows are written (every commit
    // is confirmed by standby 1), so standby 1 has more WAL when the primary dies.
    long walReceiver = walReceiverOf(member(created, k8s + "-s2").get("pid").asLong());
    List<Integer> acked;
    Signals.send(walReceiver, "STOP");
    try {
      try (SqlClient.Writer w = client.startWriting("t")) {
        await().atMost(WAIT).until(() -> w.ackedCount() >= 30);
        w.close();
        acked = w.acked();
      }
      killPrimary("fo-two");
    } finally {
      Signals.send(walReceiver, "CONT");
    }
    JsonNode after = awaitFailover("fo-two", 3);
    assertThat(primaryName(after)).isEqualTo(k8s + "-s1");
    Set<Integer> rows = ids(client.run("SELECT id FROM t ORDER BY id"));
    assertThat(rows).containsAll(acked);
    // Standby 2 follows the new primary and gets every row.
    SqlClient onStandby2 = direct(after, k8s + "-s2");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(ids(onStandby2.run("SELECT id FROM t"))).containsAll(acked));
    for (JsonNode m : after.get("members")) {
      assertThat(m.get("timeline").asInt()).as(m.toString()).isEqualTo(2);
    }
    assertThat(eventTypes("fo-two")).contains("standby_repointed", "standby_rebuilt");
  }

  @Test
  @Order(4)
  void aSwitchoverUnderWritesLosesNothingAndSwapsTheRoles() throws Exception {
    JsonNode created = create("so-sync", 1, true, "18");
    String k8s = created.get("k8s_name").asText();
    SqlClient client = client(created);
    client.run("CREATE TABLE t (id integer PRIMARY KEY)");
    List<Integer> acked;
    Instant asked;
    Instant done;
    Duration longestPause;
    try (SqlClient.Writer w = client.startWriting("t")) {
      await().atMost(WAIT).until(() -> w.ackedCount() >= 20);
      asked = Instant.now();
      TestHttpClient.Response r = api.post("/api/instances/so-sync/switchover", Map.of("to", "1"));
      assertThat(r.status()).as(r.raw()).isEqualTo(202);
      String id = r.body().get("orchestration_id").asText();
      await()
          .atMost(WAIT)
          .until(
              () -> api.get("/api/orchestrations/" + id).body().get("status").asText(),
              s -> !s.equals("running"));
      done = Instant.now();
      assertThat(api.get("/api/orchestrations/" + id).body().get("status").asText())
          .isEqualTo("completed");
      int before = w.ackedCount();
      await().atMost(WAIT).until(() -> w.ackedCount() >= before + 20);
      w.close();
      acked = w.acked();
      longestPause = w.longestGap();
    }
    JsonNode after = awaitAllHealthy("so-sync", 2);
    assertThat(primaryName(after)).isEqualTo(k8s + "-s1");
    assertThat(member(after, k8s).get("role").asText()).isEqualTo("standby");
    assertThat(ids(client.run("SELECT id FROM t"))).containsAll(acked);
    assertThat(eventTypes("so-sync"))
        .contains(
            "switchover_requested", "primary_stopped", "standby_promoted", "switchover_completed");
    System.out.printf(
        "FAILOVER-FIGURES switchover (PostgreSQL 18, synchronous): request to completed %.2f s;"
            + " longest pause between two acknowledged inserts %.2f s; %d rows acknowledged, 0"
            + " lost%n",
        seconds(Duration.between(asked, done)), seconds(longestPause), acked.size());
  }

  @Test
  @Order(5)
  void withoutAStandbyThatAnswersTheCrashRestartBringsThePrimaryBack() throws Exception {
    JsonNode created = create("fo-none", 1, false, "18");
    String k8s = created.get("k8s_name").asText();
    // The standby's postmaster frozen, not killed: a standby found stopped is started again by
    // the actor's member watch while the primary answers, and a check between the two kills made
    // it answer again in time to be promoted. A frozen one stays unanswering until it is resumed.
    long standby = member(created, k8s + "-s1").get("pid").asLong();
    Signals.send(standby, "STOP");
    try {
      killPrimary("fo-none");
      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(500))
          .until(() -> eventTypes("fo-none").contains("server_restarted"));
    } finally {
      Signals.send(standby, "CONT");
    }
    JsonNode after = awaitAllHealthy("fo-none", 2);
    assertThat(primaryName(after)).isEqualTo(k8s);
    assertThat(eventTypes("fo-none"))
        .contains("server_restarted")
        .doesNotContain("failover_started");
    assertThat(failoverOrchestrations(k8s)).isEmpty();
  }

  @Test
  @Order(6)
  void aControlPlaneKilledInTheMiddleOfAFailoverFinishesItWithOnePrimary() throws Exception {
    JsonNode created = create("fo-crash", 1, true, "18");
    String k8s = created.get("k8s_name").asText();
    SqlClient client = client(created);
    client.run("CREATE TABLE t (id integer PRIMARY KEY)");
    client.run("INSERT INTO t SELECT generate_series(1, 100)");
    int standbyPort = member(created, k8s + "-s1").get("port").asInt();
    // Recording the promotion in the CMS writes the instance's members rows: an operator's psql
    // session holding them keeps the failover between "promoted" and "recorded", where the
    // control plane is killed.
    try (Connection lock = rig.db().connect()) {
      lock.setAutoCommit(false);
      try (PreparedStatement ps =
          lock.prepareStatement(
              "SELECT ordinal FROM toygres_cms.members WHERE instance_id = ?::uuid FOR UPDATE")) {
        ps.setString(1, created.get("id").asText());
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
        }
      }
      killPrimary("fo-crash");
      await().atMost(WAIT).until(() -> eventTypes("fo-crash").contains("primary_fenced"));
      SqlClient standby = direct(created, k8s + "-s1");
      await().atMost(WAIT).until(() -> standby.run("SELECT pg_is_in_recovery()").equals("f"));
      assertThat(eventTypes("fo-crash")).doesNotContain("standby_promoted");
      server.kill();
      lock.rollback();
    }
    server = rig.startServer("--failover-cooldown", "0s");
    api = server.api();
    JsonNode after = awaitFailover("fo-crash", 2);
    assertThat(primaryName(after)).isEqualTo(k8s + "-s1");
    assertThat(member(after, k8s + "-s1").get("port").asInt()).isEqualTo(standbyPort);
    // Exactly one server takes writes: every other answers as a standby.
    int primaries = 0;
    for (JsonNode m : after.get("members")) {
      if (direct(after, m.get("name").asText()).run("SELECT pg_is_in_recovery()").equals("f")) {
        primaries++;
      }
    }
    assertThat(primaries).isEqualTo(1);
    assertThat(failoverOrchestrations(k8s)).hasSize(1);
    assertThat(eventTypes("fo-crash").stream().filter("failover_started"::equals)).hasSize(1);
    assertThat(ids(client.run("SELECT id FROM t")).size()).isEqualTo(100);
    client.run("INSERT INTO t VALUES (101)");
    // Later checks start no second failover for the same fault.
    Thread.sleep(3000);
    assertThat(failoverOrchestrations(k8s)).hasSize(1);
  }

  /** What a failover under a client's inserts did. */
  record Outcome(
      int acked,
      List<Integer> lost,
      int fastAcked,
      List<Integer> fastLost,
      Duration outage,
      Duration detection) {}

  private static Outcome failOverUnderWrites(
      String name, int replicas, boolean synchronous, String version) throws Exception {
    JsonNode created = create(name, replicas, synchronous, version);
    String k8s = created.get("k8s_name").asText();
    String oldPrimary = primaryName(created);
    SqlClient client = client(created);
    client.run("CREATE TABLE t (id integer PRIMARY KEY)");
    client.run("CREATE TABLE f (id integer PRIMARY KEY)");
    List<Integer> acked;
    List<Integer> fastAcked;
    Instant killed;
    Instant back;
    try (SqlClient.Writer w = client.startWriting("t");
        SqlClient.Writer fast = client.startWritingFast("f")) {
      await().atMost(WAIT).until(() -> w.ackedCount() >= 30 && fast.ackedCount() >= 1000);
      killed = killPrimary(name);
      await().atMost(WAIT).until(() -> w.backAfterOutageFrom(killed) != null);
      back = w.backAfterOutageFrom(killed);
      int before = w.ackedCount();
      await().atMost(WAIT).until(() -> w.ackedCount() >= before + 20);
      w.close();
      fast.close();
      acked = w.acked();
      fastAcked = fast.acked();
    }
    JsonNode after = awaitFailover(name, replicas + 1);
    assertThat(primaryName(after)).isNotEqualTo(oldPrimary);
    JsonNode formerPrimary = member(after, oldPrimary);
    assertThat(formerPrimary.get("role").asText()).isEqualTo("standby");
    assertThat(formerPrimary.get("health").asText()).isEqualTo("healthy");
    assertThat(formerPrimary.get("timeline").asInt()).isEqualTo(2);
    if (synchronous) {
      // The promise holds after the failover: the new primary's commits wait for the other server.
      assertThat(direct(after, primaryName(after)).run("SHOW synchronous_standby_names"))
          .isEqualTo("ANY 1 (standby_0)");
    }
    Set<Integer> rows = ids(client.run("SELECT id FROM t"));
    List<Integer> lost = acked.stream().filter(i -> !rows.contains(i)).toList();
    Set<Integer> fastRows = ids(client.run("SELECT id FROM f"));
    List<Integer> fastLost = fastAcked.stream().filter(i -> !fastRows.contains(i)).toList();
    List<String> events = eventTypes(name);
    assertThat(events)
        .containsSubsequence(
            "failover_started",
            "primary_fenced",
            "standby_promoted",
            "standby_rebuilt",
            "failover_completed");
    assertThat(failoverOrchestrations(k8s)).hasSize(1);
    Instant started = eventTime(name, "failover_started");
    return new Outcome(
        acked.size(),
        lost,
        fastAcked.size(),
        fastLost,
        Duration.between(killed, back),
        Duration.between(killed, started));
  }

  private static void report(String what, Outcome o) {
    System.out.printf(
        "FAILOVER-FIGURES %s: failover started %.2f s after the kill; inserts succeeded again"
            + " %.2f s after the kill; psql client: %d rows acknowledged, %d of them lost; JDBC"
            + " client as fast as one session goes: %d acknowledged, %d lost%n",
        what,
        seconds(o.detection()),
        seconds(o.outage()),
        o.acked(),
        o.lost().size(),
        o.fastAcked(),
        o.fastLost().size());
  }

  private static void assertError(TestHttpClient.Response r, int status, String mentions) {
    assertThat(r.status()).as(r.raw()).isEqualTo(status);
    assertThat(r.body().get("error").asText()).contains(mentions);
  }

  private static double seconds(Duration d) {
    return d.toMillis() / 1000.0;
  }

  private static JsonNode create(String name, int replicas, boolean synchronous, String version) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", name);
    body.put("password", PASSWORD);
    body.put("postgres_version", Integer.parseInt(version));
    body.put("replicas", replicas);
    body.put("synchronous", synchronous);
    TestHttpClient.Response r = api.post("/api/instances", body);
    assertThat(r.status()).as(r.raw()).isEqualTo(202);
    return awaitAllHealthy(name, replicas + 1);
  }

  private static JsonNode awaitAllHealthy(String name, int servers) {
    return await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> api.get("/api/instances/" + name).body(),
            i ->
                i != null
                    && "running".equals(i.path("state").asText())
                    && "healthy".equals(i.path("health_status").asText())
                    && i.path("members").size() == servers
                    && StreamSupport.stream(i.get("members").spliterator(), false)
                        .allMatch(m -> m.get("health").asText().equals("healthy")));
  }

  private static JsonNode awaitFailover(String name, int servers) {
    await()
        .atMost(WAIT)
        .until(() -> eventTypes(name).stream().anyMatch(t -> t.startsWith("failover_c")));
    assertThat(eventTypes(name)).contains("failover_completed");
    return awaitAllHealthy(name, servers);
  }

  private static Instant killPrimary(String name) throws Exception {
    JsonNode i = api.get("/api/instances/" + name).body();
    long pid = member(i, primaryName(i)).get("pid").asLong();
    ProcessHandle p = ProcessHandle.of(pid).orElseThrow();
    Instant at = Instant.now();
    p.destroyForcibly();
    p.onExit().get();
    return at;
  }

  private static String primaryName(JsonNode instance) {
    List<String> primaries = new ArrayList<>();
    for (JsonNode m : instance.get("members")) {
      if (m.get("role").asText().equals("primary")) {
        primaries.add(m.get("name").asText());
      }
    }
    assertThat(primaries).as(instance.get("members").toString()).hasSize(1);
    return primaries.get(0);
  }

  private static JsonNode member(JsonNode instance, String name) {
    for (JsonNode m : instance.get("members")) {
      if (m.get("name").asText().equals(name)) {
        return m;
      }
    }
    throw new AssertionError("no member " + name + " in " + instance.get("members"));
  }

  private static SqlClient client(JsonNode instance) {
    return new SqlClient(instance.get("connection_string").asText(), PASSWORD);
  }

  /** A client of one member only (its port), as the tenant. */
  private static SqlClient direct(JsonNode instance, String member) {
    String user = instance.get("connection_string").asText().split("//")[1].split(":")[0];
    return new SqlClient(
        "postgresql://"
            + user
            + ":****@127.0.0.1:"
            + member(instance, member).get("port").asInt()
            + "/postgres",
        PASSWORD);
  }

  private static List<String> eventTypes(String name) {
    List<String> out = new ArrayList<>();
    for (JsonNode e : api.get("/api/instances/" + name + "/events?limit=200").body()) {
      out.add(e.get("event_type").asText());
    }
    java.util.Collections.reverse(out);
    return out;
  }

  private static Instant eventTime(String name, String type) {
    for (JsonNode e : api.get("/api/instances/" + name + "/events?limit=200").body()) {
      if (e.get("event_type").asText().equals(type)) {
        return Instant.parse(e.get("created_at").asText());
      }
    }
    throw new AssertionError("no event " + type);
  }

  private static List<String> failoverOrchestrations(String k8s) {
    List<String> ids = new ArrayList<>();
    for (JsonNode o :
        api.get("/api/orchestrations?prefix=failover-" + k8s + "-").body().get("items")) {
      ids.add(o.get("instance_id").asText());
    }
    return ids;
  }

  private static Set<Integer> ids(String psqlOutput) {
    Set<Integer> out = new HashSet<>();
    for (String line : psqlOutput.split("\n")) {
      if (!line.isBlank()) {
        out.add(Integer.parseInt(line.strip()));
      }
    }
    return out;
  }

  /** The walreceiver process of a standby's postmaster. */
  private static long walReceiverOf(long postmaster) {
    return await()
        .atMost(WAIT)
        .until(
            () ->
                ProcessHandle.of(postmaster)
                    .orElseThrow()
                    .children()
                    .filter(c -> cmdline(c.pid()).contains("walreceiver"))
                    .map(ProcessHandle::pid)
                    .findFirst()
                    .orElse(-1L),
            pid -> pid > 0);
  }

  private static String cmdline(long pid) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"));
    } catch (java.io.IOException e) {
      return "";
    }
  }
}
