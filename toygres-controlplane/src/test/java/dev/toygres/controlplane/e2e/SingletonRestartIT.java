package dev.toygres.controlplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toygres.controlplane.testkit.MetadataDb;
import dev.toygres.controlplane.testkit.TestServer;
import dev.toygres.testkit.TestHttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, test 7: the watchers are watched. The supervisor cancelled through the API runs again
 * within two supervisor intervals (the server's singleton watch starts it again); the pruner
 * likewise (the supervisor's next round, or the watch); a supervisor terminated behind the API's
 * back likewise. Each restart is counted in {@code toygres_singleton_restarts_total} and the doctor
 * reports both singletons running and healthy.
 */
class SingletonRestartIT {
  private static final Duration INTERVAL = Duration.ofSeconds(3);
  private static final String SUPERVISOR = "toygres-actor-supervisor";
  private static final String PRUNER = "toygres-pruner";

  @Test
  void aCancelledSupervisorOrPrunerRunsAgainWithinTwoSupervisorIntervals() throws Exception {
    try (TestServer server =
        TestServer.start(
            "singletons",
            34200,
            new TestServer.Settings(
                Duration.ofSeconds(1), Duration.ofMinutes(5), INTERVAL, true))) {
      TestHttpClient api = server.api();
      await().atMost(Duration.ofSeconds(30)).until(() -> "running".equals(status(api, SUPERVISOR)));
      await().atMost(Duration.ofSeconds(30)).until(() -> "running".equals(status(api, PRUNER)));

      cancelAndAwaitRestart(api, SUPERVISOR);
      cancelAndAwaitRestart(api, PRUNER);
      try (MetadataDb db = MetadataDb.of(server.dataDir())) {
        Instant terminated = Instant.now();
        db.engine().terminate(SUPERVISOR, "test 7: terminated behind the API's back");
        awaitRestart(api, SUPERVISOR, terminated);
      }

      String metrics = api.withToken(null).get("/metrics").raw();
      assertThat(metrics)
          .contains("toygres_singleton_restarts_total{singleton=\"actor-supervisor\"} 2.0")
          .contains("toygres_singleton_restarts_total{singleton=\"pruner\"} 1.0");
      await()
          .atMost(INTERVAL.multipliedBy(4))
          .untilAsserted(
              () -> {
                JsonNode singletons = api.get("/api/actors/singletons").body();
                assertThat(singletons).hasSize(3);
                for (JsonNode s : singletons) {
                  assertThat(s.get("status").asText()).as(s.toString()).isEqualTo("running");
                  assertThat(s.get("healthy").asBoolean()).as(s.toString()).isTrue();
                  assertThat(s.get("age_seconds").asDouble()).as(s.toString()).isNotNegative();
                }
              });
    }
  }

  private static void cancelAndAwaitRestart(TestHttpClient api, String id) {
    TestHttpClient.Response cancel =
        api.post("/api/orchestrations/" + id + "/cancel", Map.of("reason", "test 7"));
    assertThat(cancel.status()).as(cancel.raw()).isEqualTo(202);
    awaitRestart(api, id, Instant.now());
  }

  private static void awaitRestart(TestHttpClient api, String id, Instant ended) {
    Instant cancelled = ended;
    await()
        .atMost(INTERVAL.multipliedBy(2))
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () -> {
              JsonNode o = api.get("/api/orchestrations/" + id).body();
              assertThat(o.get("status").asText()).isEqualTo("running");
              assertThat(Instant.parse(o.get("created_at").asText())).isAfter(cancelled);
            });
    System.out.printf(
        "%s running again %d ms after it was ended%n",
        id, Duration.between(cancelled, Instant.now()).toMillis());
  }

  private static String status(TestHttpClient api, String id) {
    TestHttpClient.Response r = api.get("/api/orchestrations/" + id);
    return r.status() == 200 ? r.body().get("status").asText() : null;
  }
}
