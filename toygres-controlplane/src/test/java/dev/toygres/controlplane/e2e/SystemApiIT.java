package dev.toygres.controlplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toygres.controlplane.testkit.MetadataDb;
import dev.toygres.controlplane.testkit.TestServer;
import dev.toygres.testkit.TestHttpClient;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code GET /api/system} against a real server: readiness and its components, the three
 * singletons, the actors per diagnosis, both engine queues and the server's identity. Ready work
 * shows in its queue with the age of the oldest item: an event raised to the backup scheduler while
 * a transaction holds its instance row (the dispatcher leases with {@code SKIP LOCKED}, so the
 * message stays ready until the row is released). A cancelled singleton makes the system unhealthy,
 * with the reason in {@code problems}: the supervisor interval is an hour, so nothing starts it
 * again during the test.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SystemApiIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String SCHEDULER = "toygres-backup-scheduler";
  private static final String PRUNER = "toygres-pruner";
  private static TestServer server;
  private static TestHttpClient api;

  @BeforeAll
  static void start() throws Exception {
    server =
        TestServer.start(
            "system-api",
            53432,
            new TestServer.Settings(
                Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofHours(1), true));
    api = server.api();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  @Order(1)
  void aFreshServerReportsItselfReadyWithItsSingletonsRunningAndBothQueues() {
    JsonNode s = awaitSystem("the system healthy", b -> b.get("healthy").asBoolean());
    assertThat(s.get("problems")).isEmpty();
    assertThat(s.get("status").asText()).isEqualTo("ok");
    assertThat(s.get("ready").asBoolean()).isTrue();
    assertThat(s.get("live").asBoolean()).isTrue();
    assertThat(s.get("checked_at").asText()).isNotEmpty();
    assertThat(names(s.get("components"))).contains("metadata_database");
    for (JsonNode c : s.get("components")) {
      assertThat(c.get("healthy").asBoolean()).as(c.toString()).isTrue();
      assertThat(c.has("state")).as(c.toString()).isTrue();
    }

    assertThat(names(s.get("singletons")))
        .containsExactlyInAnyOrder("actor-supervisor", "pruner", "backup-scheduler");
    for (JsonNode g : s.get("singletons")) {
      assertThat(g.get("status").asText()).as(g.toString()).isEqualTo("running");
      assertThat(g.get("healthy").asBoolean()).as(g.toString()).isTrue();
      assertThat(g.get("age_seconds").asDouble()).as(g.toString()).isNotNegative();
    }
    assertThat(fieldNames(s.get("actors")))
        .containsExactly("healthy", "stale", "zombie", "missing", "dead", "cancelled", "orphaned");
    s.get("actors").forEach(n -> assertThat(n.asInt()).isZero());

    JsonNode queues = s.get("queues");
    assertThat(queues).hasSize(2);
    assertThat(queues.get(0).get("queue").asText()).isEqualTo("orchestrations");
    assertThat(queues.get(1).get("queue").asText()).isEqualTo("activities");
    for (JsonNode q : queues) {
      assertThat(q.get("ready").asLong()).as(q.toString()).isNotNegative();
      assertThat(q.get("oldest_ready_seconds").asDouble()).as(q.toString()).isNotNegative();
      assertThat(q.get("healthy").asBoolean()).as(q.toString()).isTrue();
    }

    JsonNode me = s.get("server");
    assertThat(me.get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
    assertThat(me.get("uptime_seconds").asDouble()).isPositive();
    assertThat(me.get("started_at").asText()).isNotEmpty();
    assertThat(me.get("java_version").asText()).isEqualTo(Runtime.version().toString());
  }

  @Test
  @Order(2)
  void readyWorkNoDispatcherCanTakeShowsInItsQueueWithTheAgeOfTheOldest() throws Exception {
    try (MetadataDb db = MetadataDb.of(server.dataDir());
        Connection hold = db.openTransaction()) {
      // NO KEY UPDATE: the dispatcher's FOR UPDATE ... SKIP LOCKED passes over the row, while the
      // queue's foreign key (KEY SHARE) still lets the event in.
      try (PreparedStatement ps =
              hold.prepareStatement(
                  "SELECT 1 FROM toygres_durable.instances WHERE instance_id = ?"
                      + " FOR NO KEY UPDATE");
          ResultSet rs = lock(ps)) {
        assertThat(rs.next()).as("the backup scheduler exists").isTrue();
      }
      TestHttpClient.Response raised =
          api.post(
              "/api/orchestrations/" + SCHEDULER + "/events",
              Map.of("name", "system-api-it", "data", "held"));
      assertThat(raised.status()).as(raised.raw()).isEqualTo(202);
      try {
        JsonNode s =
            awaitSystem(
                "the held event ready for over a second",
                b -> b.get("queues").get(0).get("oldest_ready_seconds").asDouble() >= 1.0);
        JsonNode orchestrations = s.get("queues").get(0);
        assertThat(orchestrations.get("queue").asText()).isEqualTo("orchestrations");
        assertThat(orchestrations.get("ready").asLong()).isPositive();
        assertThat(orchestrations.get("healthy").asBoolean()).as("not a minute old yet").isTrue();
      } finally {
        hold.rollback();
      }
    }
    awaitSystem(
        "the event taken once the row is released",
        b -> b.get("queues").get(0).get("oldest_ready_seconds").asDouble() < 1.0);
  }

  @Test
  @Order(3)
  void aCancelledSingletonMakesTheSystemUnhealthyAndSaysWhy() {
    TestHttpClient.Response cancel =
        api.post("/api/orchestrations/" + PRUNER + "/cancel", Map.of("reason", "system-api-it"));
    assertThat(cancel.status()).as(cancel.raw()).isEqualTo(202);

    JsonNode s = awaitSystem("the pruner shown cancelled", b -> !b.get("healthy").asBoolean());
    JsonNode pruner = singleton(s, "pruner");
    assertThat(pruner.get("status").asText()).isEqualTo("cancelled");
    assertThat(pruner.get("healthy").asBoolean()).isFalse();
    assertThat(singleton(s, "actor-supervisor").get("healthy").asBoolean()).isTrue();
    assertThat(s.get("ready").asBoolean())
        .as("readiness is the server's, not the pruner's")
        .isTrue();
    assertThat(s.get("problems")).hasSize(1);
    assertThat(s.get("problems").get(0).asText()).startsWith("singleton pruner is cancelled");
  }

  private static ResultSet lock(PreparedStatement ps) throws java.sql.SQLException {
    ps.setString(1, SCHEDULER);
    return ps.executeQuery();
  }

  private static JsonNode awaitSystem(String what, java.util.function.Predicate<JsonNode> done) {
    JsonNode[] last = new JsonNode[1];
    await(what)
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              TestHttpClient.Response r = api.get("/api/system");
              assertThat(r.status()).as(r.raw()).isEqualTo(200);
              last[0] = r.body();
              return done.test(last[0]);
            });
    return last[0];
  }

  private static JsonNode singleton(JsonNode system, String name) {
    for (JsonNode g : system.get("singletons")) {
      if (g.get("name").asText().equals(name)) {
        return g;
      }
    }
    throw new AssertionError("no singleton " + name + " in " + system);
  }

  private static List<String> names(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.get("name").asText()));
    return out;
  }

  private static List<String> fieldNames(JsonNode object) {
    List<String> out = new ArrayList<>();
    object.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
