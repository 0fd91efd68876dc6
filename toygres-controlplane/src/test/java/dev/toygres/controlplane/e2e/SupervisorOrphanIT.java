package dev.toygres.controlplane.e2e;

import static dev.toygres.controlplane.e2e.ActorAsserts.WAIT;
import static dev.toygres.controlplane.e2e.ActorAsserts.awaitCheckAfter;
import static dev.toygres.controlplane.e2e.ActorAsserts.awaitEvent;
import static dev.toygres.controlplane.e2e.ActorAsserts.awaitExactlyOneActor;
import static dev.toygres.controlplane.e2e.ActorAsserts.awaitFreshSupervisorRound;
import static dev.toygres.controlplane.e2e.ActorAsserts.createHealthy;
import static dev.toygres.controlplane.e2e.ActorAsserts.doctor;
import static dev.toygres.controlplane.e2e.ActorAsserts.finding;
import static dev.toygres.controlplane.e2e.ActorAsserts.k8s;
import static dev.toygres.controlplane.e2e.ActorAsserts.lastCheck;
import static dev.toygres.controlplane.e2e.ActorAsserts.orchestrationStatus;
import static dev.toygres.controlplane.e2e.ActorAsserts.recordedActor;
import static dev.toygres.controlplane.e2e.ActorAsserts.repairCounts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toygres.controlplane.actor.Cadence;
import dev.toygres.controlplane.actor.InstanceActor;
import dev.toygres.controlplane.testkit.LeftoverServers;
import dev.toygres.controlplane.testkit.MetadataDb;
import dev.toygres.controlplane.testkit.TestServer;
import dev.toygres.testkit.TestHttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A second actor started behind the API's back and recorded as the instance's actor turns the old
 * one (sitting in its long health-interval timer) into an orphan: the doctor lists it as orphaned,
 * the supervisor ends it within two intervals, and exactly one actor runs for the instance.
 */
class SupervisorOrphanIT {
  /** Long enough to look at the orphan before the next round ends it. */
  private static final Duration INTERVAL = Duration.ofSeconds(4);

  private static final Duration HEALTH_INTERVAL = Duration.ofSeconds(30);

  private static final String NAME = "orph";
  private static final String BYSTANDER = "orph-calm";
  private TestServer server;

  @AfterEach
  void cleanUp() {
    if (server == null) {
      return;
    }
    try {
      ActorAsserts.deleteAll(server.api());
    } finally {
      try {
        server.close();
      } finally {
        LeftoverServers.stopAll(server.dataDir());
      }
    }
  }

  @Test
  void aSecondActorStartedBehindTheApisBackLeavesAnOrphanThatTheSupervisorEnds() throws Exception {
    // A long health interval keeps actors in their timer; the stale threshold is longer still.
    server =
        TestServer.start(
            "orphan",
            37432,
            new TestServer.Settings(HEALTH_INTERVAL, Duration.ofMinutes(2), INTERVAL, true));
    TestHttpClient api = server.api();
    createHealthy(api, NAME, BYSTANDER);
    String old = recordedActor(api, NAME);
    String bystander = recordedActor(api, BYSTANDER);
    UUID id = ActorAsserts.id(api, NAME);
    String second = "actor-" + k8s(api, NAME) + "-0rphan00";
    Instant check = lastCheck(api, NAME);
    // The old actor ends itself at its next check (it is no longer the recorded one): that check
    // must come after the supervisor's round, so let a check due within 15 s happen first.
    Instant due = new Cadence(HEALTH_INTERVAL).nextDue(id, Instant.now());
    if (Duration.between(Instant.now(), due).compareTo(Duration.ofSeconds(15)) < 0) {
      check = awaitCheckAfter(api, NAME, due.minusMillis(1), WAIT);
    }

    try (MetadataDb db = MetadataDb.of(server.dataDir())) {
      // Right after a supervisor round, so that the next one sees the finished picture.
      awaitFreshSupervisorRound(api);
      db.update(
          "UPDATE toygres_cms.instances SET instance_actor_orchestration_id = '"
              + second
              + "' WHERE id = '"
              + id
              + "'");
      db.engine().start(InstanceActor.NAME, second, new InstanceActor.Input(id, 0));
    }

    AtomicReference<JsonNode> orphan = new AtomicReference<>();
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              for (JsonNode f : doctor(api)) {
                if (old.equals(f.path("actor_id").asText())) {
                  orphan.set(f);
                  return true;
                }
              }
              return false;
            });
    JsonNode o = orphan.get();
    assertThat(o.get("diagnosis").asText()).as(o.toString()).isEqualTo("orphaned");
    assertThat(o.get("instance_name").asText()).isEqualTo(NAME);
    assertThat(o.get("actor_status").asText()).isEqualTo("running");
    assertThat(o.get("reason").asText())
        .isEqualTo("actor " + old + " is running but the instance's recorded actor is " + second);
    assertThat(api.get("/api/actors?diagnosis=orphaned").body().findValuesAsText("actor_id"))
        .containsExactly(old);

    JsonNode event =
        awaitEvent(
            api,
            NAME,
            INTERVAL.multipliedBy(2).plusSeconds(10),
            "orphaned actor " + old + " ended by the supervisor",
            "recorded actor is " + second);
    assertThat(event.get("event_type").asText()).isEqualTo("actor_repaired");
    assertThat(orchestrationStatus(api, old)).isEqualTo("cancelled");
    assertThat(awaitExactlyOneActor(api, NAME, WAIT)).isEqualTo(second);
    awaitCheckAfter(api, NAME, check, WAIT);
    JsonNode newest = api.get("/api/instances/" + NAME + "/health-checks?limit=1").body().get(0);
    assertThat(newest.get("actor_id").asText()).isEqualTo(second);
    assertThat(finding(api, NAME).get("diagnosis").asText()).isEqualTo("healthy");
    assertThat(api.get("/api/actors?diagnosis=orphaned").body()).isEmpty();
    assertThat(repairCounts(api).get("orphaned")).isEqualTo(1.0);
    // The other instance was not touched.
    assertThat(awaitExactlyOneActor(api, BYSTANDER, WAIT)).isEqualTo(bystander);
    assertThat(finding(api, BYSTANDER).get("diagnosis").asText()).isEqualTo("healthy");
  }
}
