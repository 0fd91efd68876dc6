package dev.toygres.controlplane.e2e;

import static dev.toygres.controlplane.e2e.ActorAsserts.WAIT;
import static dev.toygres.controlplane.e2e.ActorAsserts.awaitChecksResumeBy;
import static dev.toygres.controlplane.e2e.ActorAsserts.awaitDiagnosis;
import static dev.toygres.controlplane.e2e.ActorAsserts.awaitEvent;
import static dev.toygres.controlplane.e2e.ActorAsserts.awaitExactlyOneActor;
import static dev.toygres.controlplane.e2e.ActorAsserts.countEvents;
import static dev.toygres.controlplane.e2e.ActorAsserts.createHealthy;
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
import dev.toygres.controlplane.actor.ActorSupervisor;
import dev.toygres.controlplane.testkit.LeftoverServers;
import dev.toygres.controlplane.testkit.MetadataDb;
import dev.toygres.controlplane.testkit.TestServer;
import dev.toygres.testkit.TestHttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With auto-repair on, the supervisor finds stale, missing and dead actors made for real on a real
 * server and repairs each within two supervisor intervals of the condition (plus a margin): one
 * running actor per instance afterwards, health checks resume, an instance event tells what was
 * wrong and what was done, and {@code toygres_actor_repairs_total} counts it. A cancelled actor is
 * left alone for many rounds.
 */
class SupervisorRepairIT {
  private static final Duration STALE_AFTER = Duration.ofSeconds(4);
  private static final Duration INTERVAL = Duration.ofSeconds(2);

  /** Two supervisor intervals after the condition shows, with a generous margin. */
  private static final Duration REPAIR_WITHIN =
      STALE_AFTER.plus(INTERVAL.multipliedBy(2)).plusSeconds(15);

  private static final String STALE = "sv-stale";
  private static final String MISSING = "sv-missing";
  private static final String DEAD = "sv-dead";
  private static final String CANCELLED = "sv-off";
  private static TestServer server;
  private static TestHttpClient api;
  private static MetadataDb db;

  @BeforeAll
  static void start() throws Exception {
    server =
        TestServer.start(
            "supervisor",
            34432,
            new TestServer.Settings(Duration.ofSeconds(1), STALE_AFTER, INTERVAL, true));
    api = server.api();
    db = MetadataDb.of(server.dataDir());
    createHealthy(api, STALE, MISSING, DEAD, CANCELLED);
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
  void theSupervisorRepairsStaleMissingAndDeadActorsAndLeavesACancelledOneAlone() throws Exception {
    JsonNode supervisor = api.get("/api/orchestrations/" + ActorSupervisor.INSTANCE_ID).body();
    assertThat(supervisor.get("status").asText()).isEqualTo("running");
    String staleActor = recordedActor(api, STALE);
    String missingActor = recordedActor(api, MISSING);
    String deadActor = recordedActor(api, DEAD);
    String offActor = recordedActor(api, CANCELLED);
    UUID staleId = ActorAsserts.id(api, STALE);

    // The four conditions, all at once (each on its own instance).
    Instant faults = Instant.now();
    ActorAsserts.failHealthWrites(db, staleId);
    db.update(
        "UPDATE toygres_cms.instances SET instance_actor_orchestration_id = NULL WHERE user_name = '"
            + MISSING
            + "'");
    TestHttpClient.Response ended =
        api.post(
            "/api/orchestrations/" + deadActor + "/cancel", Map.of("reason", "ended by the test"));
    assertThat(ended.status()).as(ended.raw()).isEqualTo(202);
    TestHttpClient.Response off = api.post("/api/instances/" + CANCELLED + "/actor/cancel", null);
    assertThat(off.status()).as(off.raw()).isEqualTo(200);
    Instant offCheck = lastCheck(api, CANCELLED);

    // missing and dead: repaired within two intervals (they show at once).
    JsonNode missingEvent =
        awaitEvent(
            api,
            MISSING,
            INTERVAL.multipliedBy(2).plusSeconds(15),
            "missing actor repaired by the supervisor (start)",
            "no actor is recorded for the instance");
    JsonNode deadEvent =
        awaitEvent(
            api,
            DEAD,
            INTERVAL.multipliedBy(2).plusSeconds(15),
            "dead actor repaired by the supervisor (start)",
            "actor " + deadActor + " ended (cancelled: ended by the test)");
    assertThat(missingEvent.get("event_type").asText()).isEqualTo("actor_started");
    assertThat(deadEvent.get("metadata").get("previous_actor_id").asText()).isEqualTo(deadActor);

    // stale: the last check ages past the threshold, then the supervisor restarts the actor.
    JsonNode staleEvent =
        awaitEvent(
            api,
            STALE,
            REPAIR_WITHIN,
            "stale actor repaired by the supervisor (restart)",
            "last health check",
            "actor " + staleActor + " is running and its history advanced");
    assertThat(staleEvent.get("metadata").get("previous_actor_id").asText()).isEqualTo(staleActor);
    // Cancelled by the repair (the cancel is a message its worker takes), or ended by itself
    // first: its next check saw it was superseded.
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(orchestrationStatus(api, staleActor)).isIn("cancelled", "completed"));
    // Repaired only once its last check had aged past the threshold (the writes still fail).
    Instant lastGoodCheck = lastCheck(api, STALE);
    assertThat(
            Duration.between(lastGoodCheck, Instant.parse(staleEvent.get("created_at").asText())))
        .isGreaterThan(STALE_AFTER);

    ActorAsserts.restoreHealthWrites(db, staleId);
    Instant staleRestored = Instant.now();

    for (String n : new String[] {STALE, MISSING, DEAD}) {
      String actor = awaitExactlyOneActor(api, n, WAIT);
      awaitChecksResumeBy(api, n, actor, n.equals(STALE) ? staleRestored : faults, WAIT);
      awaitDiagnosis(api, n, "healthy", WAIT);
      assertThat(runningActors(api, k8s(api, n))).as(n).containsExactly(actor);
      assertThat(instance(api, n).get("health_status").asText()).isEqualTo("healthy");
    }
    assertThat(recordedActor(api, MISSING)).isNotEqualTo(missingActor);
    assertThat(recordedActor(api, DEAD)).isNotEqualTo(deadActor);
    assertThat(recordedActor(api, STALE)).isNotEqualTo(staleActor);

    Map<String, Double> counts = repairCounts(api);
    assertThat(counts.get("missing")).as(counts.toString()).isGreaterThanOrEqualTo(1.0);
    assertThat(counts.get("dead")).as(counts.toString()).isGreaterThanOrEqualTo(1.0);
    assertThat(counts.get("stale")).as(counts.toString()).isGreaterThanOrEqualTo(1.0);
    assertThat(counts).doesNotContainKey("cancelled");

    // cancelled: diagnosed as such, and left alone through many rounds.
    JsonNode cancelled = awaitDiagnosis(api, CANCELLED, "cancelled", WAIT);
    assertThat(cancelled.get("reason").asText())
        .startsWith("monitoring was turned off (actor " + offActor + " cancelled by an operator)");
    ActorAsserts.awaitSupervisorRounds(api, 4, WAIT);
    JsonNode offNow = instance(api, CANCELLED);
    assertThat(offNow.get("monitoring_enabled").asBoolean()).isFalse();
    assertThat(offNow.get("instance_actor_orchestration_id").asText()).isEqualTo(offActor);
    assertThat(offNow.get("actor").get("diagnosis").asText()).isEqualTo("cancelled");
    assertThat(runningActors(api, k8s(api, CANCELLED))).isEmpty();
    assertThat(lastCheck(api, CANCELLED)).isEqualTo(offCheck);
    assertThat(countEvents(api, CANCELLED, "repaired")).isZero();
    JsonNode round =
        api.get("/api/orchestrations/" + ActorSupervisor.INSTANCE_ID).body().get("custom_status");
    assertThat(round.toString()).contains("\"cancelled\":1");
  }
}
