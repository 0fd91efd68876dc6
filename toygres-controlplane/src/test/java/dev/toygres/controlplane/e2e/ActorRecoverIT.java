package dev.toygres.controlplane.e2e;

import static dev.toygres.controlplane.e2e.ActorAsserts.WAIT;
import static dev.toygres.controlplane.e2e.ActorAsserts.awaitChecksResumeBy;
import static dev.toygres.controlplane.e2e.ActorAsserts.awaitDiagnosis;
import static dev.toygres.controlplane.e2e.ActorAsserts.awaitEvent;
import static dev.toygres.controlplane.e2e.ActorAsserts.awaitExactlyOneActor;
import static dev.toygres.controlplane.e2e.ActorAsserts.createHealthy;
import static dev.toygres.controlplane.e2e.ActorAsserts.finding;
import static dev.toygres.controlplane.e2e.ActorAsserts.instance;
import static dev.toygres.controlplane.e2e.ActorAsserts.k8s;
import static dev.toygres.controlplane.e2e.ActorAsserts.lastCheck;
import static dev.toygres.controlplane.e2e.ActorAsserts.orchestrationStatus;
import static dev.toygres.controlplane.e2e.ActorAsserts.recordedActor;
import static dev.toygres.controlplane.e2e.ActorAsserts.repairCounts;
import static dev.toygres.controlplane.e2e.ActorAsserts.runningActors;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toygres.controlplane.testkit.LeftoverServers;
import dev.toygres.controlplane.testkit.MetadataDb;
import dev.toygres.controlplane.testkit.TestServer;
import dev.toygres.testkit.TestHttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * With auto-repair off, stale, missing and dead actors are produced for real on a real server and
 * stay diagnosed as such (in {@code GET /api/actors} and the instance detail) until an operator
 * runs {@code POST /api/actors/recover}: a dry run lists the actions and changes nothing; two
 * recoveries at once repair each instance once and leave exactly one running actor per instance;
 * health checks resume and each repair is told in an instance event.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ActorRecoverIT {
  private static final Duration STALE_AFTER = Duration.ofSeconds(6);
  private static final String STALE = "rc-stale";
  private static final String MISSING = "rc-missing";
  private static final String DEAD = "rc-dead";
  private static final String TERMINATED = "rc-term";
  private static TestServer server;
  private static TestHttpClient api;
  private static MetadataDb db;
  private static final Map<String, String> before = new HashMap<>();

  @BeforeAll
  static void start() throws Exception {
    server =
        TestServer.start(
            "actor-recover",
            33432,
            new TestServer.Settings(
                Duration.ofSeconds(1), STALE_AFTER, Duration.ofSeconds(2), false));
    api = server.api();
    db = MetadataDb.of(server.dataDir());
    createHealthy(api, STALE, MISSING, DEAD, TERMINATED);
    for (String n : List.of(STALE, MISSING, DEAD, TERMINATED)) {
      before.put(n, recordedActor(api, n));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (server == null) {
      return;
    }
    try {
      if (db != null) {
        ActorAsserts.restoreHealthWrites(db, ActorAsserts.id(api, STALE));
        db.close();
      }
      ActorAsserts.deleteAll(api);
    } finally {
      try {
        server.close();
      } finally {
        LeftoverServers.stopAll(server.dataDir());
      }
    }
  }

  @Test
  @Order(1)
  void anActorWhoseHealthWritesFailIsStaleAndStaysSoWithoutAutoRepair() throws Exception {
    String actor = before.get(STALE);
    int execution = api.get("/api/orchestrations/" + actor).body().get("execution_id").asInt();
    ActorAsserts.failHealthWrites(db, ActorAsserts.id(api, STALE));

    JsonNode f = awaitDiagnosis(api, STALE, "stale", WAIT);

    assertThat(f.get("actor_id").asText()).isEqualTo(actor);
    assertThat(f.get("actor_status").asText()).isEqualTo("running");
    assertThat(f.get("reason").asText())
        .matches(
            "last health check \\w+ ago; actor "
                + actor
                + " is running and its history advanced \\w+ ago");
    JsonNode detail = instance(api, STALE).get("actor");
    assertThat(detail.get("id").asText()).isEqualTo(actor);
    assertThat(detail.get("status").asText()).isEqualTo("running");
    assertThat(detail.get("reason").asText()).startsWith("last health check ");
    // The actor runs on (its executions advance) but writes nothing: that is what stale means.
    Instant check = lastCheck(api, STALE);
    await()
        .atMost(WAIT)
        .until(
            () ->
                api.get("/api/orchestrations/" + actor).body().get("execution_id").asInt()
                    > execution + 3);
    assertThat(lastCheck(api, STALE)).isEqualTo(check);
    assertThat(finding(api, STALE).get("diagnosis").asText()).isEqualTo("stale");
    assertThat(runningActors(api, k8s(api, STALE))).containsExactly(actor);
  }

  @Test
  @Order(2)
  void anInstanceWhoseRecordedActorIdIsNulledIsMissing() throws Exception {
    String old = before.get(MISSING);
    db.update(
        "UPDATE toygres_cms.instances SET instance_actor_orchestration_id = NULL WHERE user_name = '"
            + MISSING
            + "'");

    JsonNode f = awaitDiagnosis(api, MISSING, "missing", WAIT);

    assertThat(f.get("actor_id").isNull()).isTrue();
    assertThat(f.get("actor_status").asText()).isEqualTo("none");
    assertThat(f.get("reason").asText())
        .matches("no actor is recorded for the instance; last health check \\w+ ago");
    assertThat(instance(api, MISSING).get("actor").get("status").asText()).isEqualTo("none");
    // The old actor is no longer the recorded one: it stops itself at its next check.
    await().atMost(WAIT).until(() -> !"running".equals(orchestrationStatus(api, old)));
    assertThat(runningActors(api, k8s(api, MISSING))).isEmpty();
  }

  @Test
  @Order(3)
  void actorsEndedThroughTheEnginesManagementApiAreDead() throws Exception {
    String cancelled = before.get(DEAD);
    TestHttpClient.Response r =
        api.post(
            "/api/orchestrations/" + cancelled + "/cancel",
            Map.of("reason", "ended by the test through the engine API"));
    assertThat(r.status()).as(r.raw()).isEqualTo(202);
    String terminated = before.get(TERMINATED);
    db.engine().terminate(terminated, "terminated by the test behind the API's back");

    JsonNode dead = awaitDiagnosis(api, DEAD, "dead", WAIT);
    JsonNode term = awaitDiagnosis(api, TERMINATED, "dead", WAIT);

    assertThat(dead.get("actor_status").asText()).isEqualTo("cancelled");
    assertThat(dead.get("reason").asText())
        .startsWith(
            "actor " + cancelled + " ended (cancelled: ended by the test through the engine API)")
        .contains("ago while monitoring is on; last health check ");
    assertThat(term.get("reason").asText())
        .startsWith(
            "actor "
                + terminated
                + " ended (cancelled: terminated by the test behind the API's back)");
    assertThat(instance(api, DEAD).get("actor").get("diagnosis").asText()).isEqualTo("dead");
    assertThat(instance(api, DEAD).get("monitoring_enabled").asBoolean()).isTrue();
    assertThat(runningActors(api, k8s(api, DEAD))).isEmpty();
    assertThat(runningActors(api, k8s(api, TERMINATED))).isEmpty();
  }

  @Test
  @Order(4)
  void badDiagnosesAreRefused() {
    TestHttpClient.Response list = api.get("/api/actors?diagnosis=stale,sleepy");
    assertThat(list.status()).isEqualTo(400);
    assertThat(list.error()).contains("unknown diagnosis 'sleepy'");
    TestHttpClient.Response healthy =
        api.post("/api/actors/recover", Map.of("diagnoses", List.of("healthy")));
    assertThat(healthy.status()).isEqualTo(400);
    assertThat(healthy.error()).contains("healthy actors need no recovery");
    TestHttpClient.Response unknown =
        api.post("/api/actors/recover", Map.of("diagnoses", List.of("bad")));
    assertThat(unknown.status()).isEqualTo(400);
  }

  @Test
  @Order(5)
  void theFilterAndADryRunListTheActionsAndChangeNothing() throws Exception {
    JsonNode deadOnly = api.get("/api/actors?diagnosis=dead").body();
    assertThat(deadOnly.findValuesAsText("instance_name"))
        .containsExactlyInAnyOrder(DEAD, TERMINATED);

    TestHttpClient.Response r = api.post("/api/actors/recover", Map.of("dry_run", true));

    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    assertThat(r.body().get("dry_run").asBoolean()).isTrue();
    Map<String, JsonNode> byName = new HashMap<>();
    r.body().get("results").forEach(x -> byName.put(x.get("instance_name").asText(), x));
    assertThat(byName).containsOnlyKeys(STALE, MISSING, DEAD, TERMINATED);
    assertThat(byName.get(STALE).get("diagnosis").asText()).isEqualTo("stale");
    assertThat(byName.get(STALE).get("action").asText()).isEqualTo("restart");
    assertThat(byName.get(MISSING).get("action").asText()).isEqualTo("start");
    assertThat(byName.get(DEAD).get("action").asText()).isEqualTo("start");
    assertThat(byName.get(TERMINATED).get("diagnosis").asText()).isEqualTo("dead");
    for (JsonNode x : byName.values()) {
      assertThat(x.get("actor_id").isNull()).as(x.toString()).isTrue();
      assertThat(x.get("detail").asText()).startsWith("dry run: ");
    }
    assertThat(byName.get(STALE).get("previous_actor_id").asText()).isEqualTo(before.get(STALE));

    TestHttpClient.Response onlyDead =
        api.post("/api/actors/recover", Map.of("diagnoses", List.of("dead"), "dry_run", true));
    assertThat(onlyDead.body().get("results").findValuesAsText("instance_name"))
        .containsExactlyInAnyOrder(DEAD, TERMINATED);

    Thread.sleep(STALE_AFTER.toMillis() / 2);
    assertThat(recordedActor(api, STALE)).isEqualTo(before.get(STALE));
    assertThat(recordedActor(api, MISSING)).isNull();
    assertThat(recordedActor(api, DEAD)).isEqualTo(before.get(DEAD));
    assertThat(runningActors(api, k8s(api, DEAD))).isEmpty();
    assertThat(runningActors(api, k8s(api, MISSING))).isEmpty();
    assertThat(finding(api, DEAD).get("diagnosis").asText()).isEqualTo("dead");
    assertThat(finding(api, STALE).get("diagnosis").asText()).isEqualTo("stale");
    assertThat(repairCounts(api)).isEmpty();
  }

  @Test
  @Order(6)
  void recoveringTheStaleActorRestartsItAndChecksResumeOnceWritesWorkAgain() throws Exception {
    String old = before.get(STALE);
    Instant check = lastCheck(api, STALE);

    TestHttpClient.Response r =
        api.post("/api/actors/recover", Map.of("diagnoses", List.of("stale")));

    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    JsonNode results = r.body().get("results");
    assertThat(results).as(r.raw()).hasSize(1);
    assertThat(results.get(0).get("action").asText()).isEqualTo("restart");
    assertThat(results.get(0).get("previous_actor_id").asText()).isEqualTo(old);
    String fresh = results.get(0).get("actor_id").asText();
    assertThat(fresh).startsWith("actor-" + k8s(api, STALE) + "-").isNotEqualTo(old);
    // The new actor cannot write either, but it is not blamed for checks missed before it started:
    // a second recovery right away finds nothing to do.
    JsonNode young = finding(api, STALE);
    assertThat(young.get("actor_id").asText()).isEqualTo(fresh);
    assertThat(young.get("diagnosis").asText()).as(young.toString()).isEqualTo("healthy");
    assertThat(young.get("reason").asText())
        .matches(
            "last health check \\w+ ago; actor "
                + fresh
                + " started \\w+ ago and has not recorded a check yet");
    TestHttpClient.Response twice =
        api.post("/api/actors/recover", Map.of("diagnoses", List.of("stale")));
    assertThat(twice.body().get("results")).as(twice.raw()).isEmpty();
    assertThat(awaitExactlyOneActor(api, STALE, WAIT)).isEqualTo(fresh);
    // Cancelled by the repair (the cancel is a message its worker takes), or ended by itself
    // first: its next check saw it was superseded.
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(orchestrationStatus(api, old)).isIn("cancelled", "completed"));
    awaitEvent(
        api,
        STALE,
        WAIT,
        "stale actor repaired by token 'admin' (restart)",
        "last health check",
        "actor " + old + " is running and its history advanced");
    // The repair is in the audit log under the name of the token that asked for it.
    JsonNode audit = api.get("/api/audit?limit=1000").body().get("items");
    assertThat(audit)
        .anySatisfy(
            row -> {
              assertThat(row.get("actor").asText()).isEqualTo("admin");
              assertThat(row.get("action").asText()).isEqualTo("actor.repair");
              assertThat(row.get("target").asText()).isEqualTo(STALE);
              assertThat(row.get("result").asText()).isEqualTo("ok");
              assertThat(row.get("detail").asText())
                  .startsWith("stale: restart, new actor " + fresh + " (previous " + old + ")");
            });

    // Once the threshold has passed with no check, the new actor is stale in its turn.
    JsonNode again = awaitDiagnosis(api, STALE, "stale", WAIT);
    assertThat(again.get("actor_id").asText()).isEqualTo(fresh);

    ActorAsserts.restoreHealthWrites(db, ActorAsserts.id(api, STALE));

    awaitChecksResumeBy(api, STALE, fresh, check, WAIT);
    awaitDiagnosis(api, STALE, "healthy", WAIT);
    assertThat(runningActors(api, k8s(api, STALE))).containsExactly(fresh);
    assertThat(instance(api, STALE).get("health_status").asText()).isEqualTo("healthy");
  }

  @Test
  @Order(7)
  void twoRecoveriesAtOnceRepairEachInstanceOnceAndLeaveOneActorEach() throws Exception {
    Map<String, Instant> checks = new HashMap<>();
    for (String n : List.of(MISSING, DEAD, TERMINATED)) {
      checks.put(n, lastCheck(api, n));
    }
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<Future<TestHttpClient.Response>> calls = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        calls.add(
            pool.submit(
                () -> {
                  go.await();
                  return api.post("/api/actors/recover", Map.of());
                }));
      }
      go.countDown();
      List<JsonNode> results = new ArrayList<>();
      for (Future<TestHttpClient.Response> c : calls) {
        TestHttpClient.Response r = c.get(60, TimeUnit.SECONDS);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        r.body().get("results").forEach(results::add);
      }

      Map<String, String> fresh = new HashMap<>();
      for (String n : List.of(MISSING, DEAD, TERMINATED)) {
        List<JsonNode> mine =
            results.stream().filter(x -> n.equals(x.get("instance_name").asText())).toList();
        List<JsonNode> done =
            mine.stream().filter(x -> !"skipped".equals(x.get("action").asText())).toList();
        assertThat(done).as("repairs of " + n + " in " + results).hasSize(1);
        assertThat(mine).as("results for " + n).hasSizeBetween(1, 2);
        assertThat(done.get(0).get("action").asText()).isEqualTo("start");
        fresh.put(n, done.get(0).get("actor_id").asText());
      }
      assertThat(results.stream().map(x -> x.get("instance_name").asText())).doesNotContain(STALE);

      for (String n : List.of(MISSING, DEAD, TERMINATED)) {
        String actor = awaitExactlyOneActor(api, n, WAIT);
        assertThat(actor).isEqualTo(fresh.get(n)).isNotEqualTo(before.get(n));
        awaitChecksResumeBy(api, n, actor, checks.get(n), WAIT);
        assertThat(finding(api, n).get("diagnosis").asText()).isEqualTo("healthy");
      }
      awaitEvent(
          api,
          MISSING,
          WAIT,
          "missing actor repaired by token 'admin' (start)",
          "no actor is recorded for the instance");
      awaitEvent(
          api,
          DEAD,
          WAIT,
          "dead actor repaired by token 'admin' (start)",
          "ended (cancelled: ended by the test through the engine API)");
      awaitEvent(
          api,
          TERMINATED,
          WAIT,
          "dead actor repaired by token 'admin' (start)",
          "terminated by the test behind the API's back");

      // The counter saw each repair once: the stale one of the test before, and these three.
      assertThat(repairCounts(api))
          .containsExactlyInAnyOrderEntriesOf(Map.of("stale", 1.0, "missing", 1.0, "dead", 2.0));

      // And once more afterwards: nothing left to do.
      TestHttpClient.Response again = api.post("/api/actors/recover", Map.of());
      assertThat(again.body().get("results")).as(again.raw()).isEmpty();
      for (String n : List.of(MISSING, DEAD, TERMINATED)) {
        assertThat(awaitExactlyOneActor(api, n, WAIT)).isEqualTo(fresh.get(n));
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
