package dev.toygres.controlplane.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toygres.controlplane.actor.ActorIds;
import dev.toygres.controlplane.actor.ActorSupervisor;
import dev.toygres.controlplane.instance.AccessUpgrades;
import dev.toygres.controlplane.testkit.LeftoverServers;
import dev.toygres.controlplane.testkit.MetadataDb;
import dev.toygres.controlplane.testkit.TestDirectories;
import dev.toygres.controlplane.testkit.TestServer;
import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.client.DurableClient;
import dev.toygres.engine.client.ExecutionInfo;
import dev.toygres.engine.client.HistoryRecord;
import dev.toygres.engine.client.InstanceInfo;
import dev.toygres.engine.history.HistoryEvent;
import dev.toygres.testkit.HistoryReplayer;
import dev.toygres.testkit.TestHttpClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Drives a real server (in this JVM, real PostgreSQL instances) through the life of one instance
 * and checks that the histories its orchestrations leave replay with the current code: create; the
 * instance actor over several continue-as-new generations, woken early by the stop and start
 * messages, and finally superseded (the CMS names another actor) so that it stops itself; stop,
 * start, restart; an access upgrade; a supervisor round that repairs the missing actor; the
 * repaired actor woken by the delete and stopping; delete; the pruner's first round.
 *
 * <p>To re-record {@code src/test/resources/histories/*.json} (after a deliberate, versioned change
 * of a product orchestration, or to add a scenario), run from the repository root:
 *
 * <pre>
 * mvn -B -o -pl toygres-controlplane -am verify -Dtoygres.recordHistories=true \
 *   -Dit.test=ProductHistoriesIT -Dtest=NoSuchTest \
 *   -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false
 * </pre>
 *
 * <p>It replaces every file there (each is named by the id of the instance it was recorded from, as
 * the replayer wants); commit them with the change. {@link ProductHistoryReplayTest} replays them
 * on every build, without a database.
 */
class ProductHistoriesIT {
  private static final boolean RECORD = Boolean.getBoolean("toygres.recordHistories");
  private static final Path DIR = Path.of("src", "test", "resources", "histories");
  private static final Duration WAIT = Duration.ofMinutes(2);
  private static final int FIRST_PORT = 37432;

  /** The CMS row of the recorded instance. */
  private record Row(UUID id, String k8sName, String actorId) {}

  @Test
  void historiesOfEveryProductOrchestrationFromARealServerReplayWithTheCurrentCode()
      throws Exception {
    Path dataDir = TestDirectories.create("histories");
    Map<String, List<HistoryEvent>> recordings = new LinkedHashMap<>();
    try {
      record(dataDir, recordings);
    } finally {
      LeftoverServers.stopAll(dataDir);
      deleteTree(dataDir);
    }

    for (Map.Entry<String, List<HistoryEvent>> r : recordings.entrySet()) {
      HistoryReplayer.assertReplays(ProductOrchestrations.registry(), r.getKey(), r.getValue());
      assertThat(HistoryReplayer.parse(HistoryReplayer.toJson(r.getValue())))
          .isEqualTo(r.getValue());
    }
    if (RECORD) {
      if (Files.isDirectory(DIR)) {
        try (Stream<Path> old = Files.list(DIR)) {
          for (Path p : old.filter(p -> p.toString().endsWith(".json")).toList()) {
            Files.delete(p);
          }
        }
      }
      for (Map.Entry<String, List<HistoryEvent>> r : recordings.entrySet()) {
        HistoryReplayer.save(DIR.resolve(r.getKey() + ".json"), r.getValue());
      }
    }
  }

  /** Runs the scenario on a server in {@code dataDir}; fills {@code recordings} by instance id. */
  private static void record(Path dataDir, Map<String, List<HistoryEvent>> recordings)
      throws Exception {
    List<String> ids = new ArrayList<>();
    Row rec;
    String superseding;
    // Auto-repair off at first: the supervisor would end the superseded actor as an orphan
    // before the actor's own check stops it.
    TestServer first = TestServer.start(dataDir, FIRST_PORT, settings(false));
    try (MetadataDb db = MetadataDb.of(dataDir)) {
      TestHttpClient api = first.api();
      DurableClient engine = db.engine();
      String create =
          orchestration(
              api.post("/api/instances", Map.of("name", "rec", "password", "rec-secret-1")));
      ended(engine, create);
      await()
          .atMost(WAIT)
          .until(
              () ->
                  "healthy"
                      .equals(api.get("/api/instances/rec").body().path("health_status").asText()));
      rec = row(db);
      String actor = rec.actorId();
      // The actor continues as new in place: its execution number counts its iterations.
      await().atMost(WAIT).until(() -> engine.getInstance(actor).orElseThrow().executionId() >= 4);
      String stop = orchestration(api.post("/api/instances/rec/stop"));
      ended(engine, stop);
      String start = orchestration(api.post("/api/instances/rec/start"));
      ended(engine, start);
      String restart = orchestration(api.post("/api/instances/rec/restart"));
      ended(engine, restart);
      String upgrade = "upgrade-access-" + rec.k8sName();
      engine.start(AccessUpgrades.NAME, upgrade, rec.id());
      ended(engine, upgrade);

      // The CMS names another actor, as after an actor restart whose terminate never reached the
      // old one: the old actor stops itself at its next check.
      superseding = ActorIds.fresh(rec.k8sName(), UUID.randomUUID());
      assertThat(
              db.update(
                  "UPDATE toygres_cms.instances SET instance_actor_orchestration_id = '"
                      + superseding
                      + "' WHERE id = '"
                      + rec.id()
                      + "'"))
          .isEqualTo(1);
      assertThat(ended(engine, actor).output()).contains("superseded");
      ids.addAll(List.of(create, stop, start, restart, upgrade, actor));
    } finally {
      first.stopServerOnly();
    }

    // Started again with auto-repair on, the supervisor finds the recorded actor missing and
    // starts one; the delete then wakes that actor, which stops.
    try (TestServer second = TestServer.start(dataDir, FIRST_PORT, settings(true));
        MetadataDb db = MetadataDb.of(dataDir)) {
      DurableClient engine = db.engine();
      await().atMost(WAIT).until(() -> !row(db).actorId().equals(superseding));
      String repaired = row(db).actorId();
      await()
          .atMost(WAIT)
          .until(
              () ->
                  supervisorRepairs(engine.getInstance(ActorSupervisor.INSTANCE_ID).orElseThrow())
                      > 0);
      await()
          .atMost(WAIT)
          .until(() -> engine.getInstance(repaired).orElseThrow().executionId() >= 2);
      String delete = orchestration(second.api().delete("/api/instances/rec"));
      ended(engine, delete);
      assertThat(engine.waitForCompletion(repaired, WAIT).status())
          .as("the actor ended by the delete")
          .isEqualTo(OrchestrationStatus.CANCELLED);
      ids.addAll(List.of(delete, repaired, ActorSupervisor.INSTANCE_ID, Pruner.INSTANCE_ID));
      for (String id : ids) {
        recordings.put(id, recording(engine, id));
      }
    }
  }

  /** Health checks every second; the doctor calls an actor missing or stale after 10 s. */
  private static TestServer.Settings settings(boolean autoRepair) {
    return new TestServer.Settings(
        Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(2), autoRepair);
  }

  private static String orchestration(TestHttpClient.Response r) {
    assertThat(r.status()).as(r.raw()).isEqualTo(202);
    return r.body().get("orchestration_id").asText();
  }

  private static InstanceInfo ended(DurableClient engine, String id) throws Exception {
    InstanceInfo info = engine.waitForCompletion(id, WAIT);
    assertThat(info.status()).as("%s: %s", id, info).isEqualTo(OrchestrationStatus.COMPLETED);
    return info;
  }

  private static int supervisorRepairs(InstanceInfo supervisor) throws IOException {
    if (supervisor.customStatus() == null) {
      return 0;
    }
    JsonNode round =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(supervisor.customStatus());
    return round.path("repaired").asInt();
  }

  private static Row row(MetadataDb db) throws Exception {
    try (Connection c = db.connection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT id, k8s_name, instance_actor_orchestration_id FROM toygres_cms.instances"
                    + " WHERE user_name = 'rec'");
        ResultSet rs = ps.executeQuery()) {
      assertThat(rs.next()).isTrue();
      return new Row(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3));
    }
  }

  /** Best effort: a file left behind must not hide the test's own failure. */
  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // mvn clean removes target/ anyway
    }
  }

  /**
   * Every stored execution of an instance, concatenated, as the recording format wants it (an
   * instance actor's current one only: it continues as new in place).
   */
  private static List<HistoryEvent> recording(DurableClient engine, String id) {
    List<HistoryEvent> all = new ArrayList<>();
    for (ExecutionInfo e : engine.listExecutions(id)) {
      engine.getHistory(id, e.executionId()).stream().map(HistoryRecord::event).forEach(all::add);
    }
    return all;
  }
}
