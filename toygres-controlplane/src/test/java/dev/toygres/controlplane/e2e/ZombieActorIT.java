package dev.toygres.controlplane.e2e;

import static dev.toygres.controlplane.e2e.ActorAsserts.WAIT;
import static dev.toygres.controlplane.e2e.ActorAsserts.awaitChecksResumeBy;
import static dev.toygres.controlplane.e2e.ActorAsserts.awaitDiagnosis;
import static dev.toygres.controlplane.e2e.ActorAsserts.awaitEvent;
import static dev.toygres.controlplane.e2e.ActorAsserts.awaitExactlyOneActor;
import static dev.toygres.controlplane.e2e.ActorAsserts.awaitFreshSupervisorRound;
import static dev.toygres.controlplane.e2e.ActorAsserts.createHealthy;
import static dev.toygres.controlplane.e2e.ActorAsserts.finding;
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
import dev.toygres.controlplane.testkit.ServerProcess;
import dev.toygres.controlplane.testkit.TestDirectories;
import dev.toygres.testkit.TestHttpClient;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A zombie made for real: the actor's check activity blocks inside a server process (its instance
 * row is locked), the server is killed with SIGKILL, and with a 10-minute worker lease nobody takes
 * the activity over, so the actor's history stops advancing though the engine says it runs. The
 * doctor says zombie (and keeps saying so while auto-repair is off); a server with auto-repair on
 * replaces it within two supervisor intervals, ending the stuck one, and checks resume.
 */
class ZombieActorIT {
  private static final String NAME = "zed";
  private static final Duration STALE_AFTER = Duration.ofSeconds(4);
  private static final Duration INTERVAL = Duration.ofSeconds(2);
  private Path dataDir;
  private ServerProcess server;
  private int port;

  @AfterEach
  void cleanUp() throws Exception {
    try {
      if (server != null) {
        ActorAsserts.deleteAll(server.api());
        server.close();
      }
    } finally {
      if (server != null) {
        server.kill();
      }
      LeftoverServers.stopAll(dataDir);
    }
  }

  private ServerProcess start(boolean autoRepair) throws Exception {
    return ServerProcess.start(
        dataDir,
        port,
        35432,
        "--worker-lease",
        "10m",
        "--stale-after",
        "4s",
        "--supervisor-interval",
        "2s",
        "--auto-repair",
        Boolean.toString(autoRepair));
  }

  /** How many sessions wait for a lock held by the session {@code holder}. */
  private static int blockedBy(MetadataDb db, int holder) throws SQLException {
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT count(*) FROM pg_stat_activity WHERE ? = ANY(pg_blocking_pids(pid))")) {
      ps.setInt(1, holder);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /**
   * How much of the actor's work is leased for more than 5 minutes (by a process with a 10-minute
   * lease): its orchestration step (the quick check runs inside it) and its check activities.
   */
  private int leasedLong(String actorId) throws Exception {
    try (MetadataDb db = MetadataDb.of(dataDir);
        Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(
                """
                SELECT (SELECT count(*) FROM toygres_durable.activity_queue
                        WHERE instance_id = ? AND locked_until > now() + interval '5 minutes')
                     + (SELECT count(*) FROM toygres_durable.instances
                        WHERE instance_id = ? AND locked_until > now() + interval '5 minutes')""")) {
      ps.setString(1, actorId);
      ps.setString(2, actorId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  @Test
  void anActorStuckUnderADeadWorkersLeaseIsAZombieAndTheSupervisorReplacesIt() throws Exception {
    dataDir = TestDirectories.create("zombie");
    port = ServerProcess.freePort();
    server = start(false);
    TestHttpClient api = server.api();
    createHealthy(api, NAME);
    UUID id = ActorAsserts.id(api, NAME);
    String stuck = recordedActor(api, NAME);
    String k8s = k8s(api, NAME);

    // Hold the instance row: the actor's next check blocks on it inside this server process.
    try (MetadataDb db = MetadataDb.of(dataDir);
        Connection hold = db.openTransaction()) {
      int holder;
      try (ResultSet rs = hold.createStatement().executeQuery("SELECT pg_backend_pid()")) {
        rs.next();
        holder = rs.getInt(1);
      }
      try (PreparedStatement ps =
          hold.prepareStatement(
              "SELECT id FROM toygres_cms.instances WHERE id = ? FOR NO KEY UPDATE")) {
        ps.setObject(1, id);
        ps.executeQuery().close();
      }
      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(100))
          .until(() -> blockedBy(db, holder) >= 1);
      // Kill right after a supervisor round, so the supervisor itself is not caught mid-work.
      awaitFreshSupervisorRound(api);
      server.kill();
      hold.rollback();
    }

    server = start(false);
    TestHttpClient second = server.api();
    assertThat(leasedLong(stuck))
        .as("the stuck actor's check (its step) still leased by the dead process")
        .isEqualTo(1);

    JsonNode f = awaitDiagnosis(second, NAME, "zombie", WAIT);
    assertThat(f.get("actor_id").asText()).isEqualTo(stuck);
    assertThat(f.get("actor_status").asText()).isEqualTo("running");
    assertThat(f.get("reason").asText())
        .matches(
            "actor "
                + stuck
                + " is running in the engine but its history has not advanced for \\w+;"
                + " last health check \\w+ ago");
    assertThat(runningActors(second, k8s)).containsExactly(stuck);
    // Auto-repair is off: it stays a zombie, and nothing is checked.
    Instant check = lastCheck(second, NAME);
    Thread.sleep(INTERVAL.multipliedBy(2).toMillis());
    assertThat(finding(second, NAME).get("diagnosis").asText()).isEqualTo("zombie");
    assertThat(recordedActor(second, NAME)).isEqualTo(stuck);
    assertThat(lastCheck(second, NAME)).isEqualTo(check);
    TestHttpClient.Response plan = second.post("/api/actors/recover", Map.of("dry_run", true));
    assertThat(plan.body().get("results")).as(plan.raw()).hasSize(1);
    assertThat(plan.body().get("results").get(0).get("diagnosis").asText()).isEqualTo("zombie");
    assertThat(plan.body().get("results").get(0).get("action").asText()).isEqualTo("restart");
    assertThat(orchestrationStatus(second, stuck)).isEqualTo("running");

    server.close();
    server = start(true);
    TestHttpClient third = server.api();

    JsonNode event =
        awaitEvent(
            third,
            NAME,
            INTERVAL.multipliedBy(2).plusSeconds(15),
            "zombie actor repaired by the supervisor (restart)",
            "actor " + stuck + " is running in the engine but its history has not advanced for");
    assertThat(event.get("metadata").get("previous_actor_id").asText()).isEqualTo(stuck);
    String fresh = awaitExactlyOneActor(third, NAME, WAIT);
    assertThat(fresh).isNotEqualTo(stuck);
    JsonNode old = third.get("/api/orchestrations/" + stuck).body();
    assertThat(old.get("status").asText()).isEqualTo("cancelled");
    assertThat(old.get("error").toString()).contains("OrchestrationTerminated");
    awaitChecksResumeBy(third, NAME, fresh, check, WAIT);
    awaitDiagnosis(third, NAME, "healthy", WAIT);
    assertThat(runningActors(third, k8s)).isEqualTo(List.of(fresh));
    assertThat(repairCounts(third).get("zombie")).isGreaterThanOrEqualTo(1.0);
  }
}
