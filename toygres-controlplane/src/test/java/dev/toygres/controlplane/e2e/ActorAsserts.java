package dev.toygres.controlplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toygres.controlplane.actor.ActorSupervisor;
import dev.toygres.controlplane.testkit.MetadataDb;
import dev.toygres.testkit.TestHttpClient;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the actor doctor and supervisor tests look at, through the HTTP API of a real server: an
 * instance's actor, the doctor's finding for it, the running actor orchestrations, health checks,
 * events, the supervisor's rounds and the repair counter.
 */
final class ActorAsserts {
  static final Duration CREATE_WAIT = Duration.ofSeconds(120);
  static final Duration WAIT = Duration.ofSeconds(60);

  private ActorAsserts() {}

  static JsonNode instance(TestHttpClient api, String name) {
    TestHttpClient.Response r = api.get("/api/instances/" + name);
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    return r.body();
  }

  static String k8s(TestHttpClient api, String name) {
    return instance(api, name).get("k8s_name").asText();
  }

  static UUID id(TestHttpClient api, String name) {
    return UUID.fromString(instance(api, name).get("id").asText());
  }

  static String recordedActor(TestHttpClient api, String name) {
    JsonNode a = instance(api, name).get("instance_actor_orchestration_id");
    return a == null || a.isNull() ? null : a.asText();
  }

  static Instant lastCheck(TestHttpClient api, String name) {
    JsonNode t = instance(api, name).get("last_health_check");
    return t == null || t.isNull() ? null : Instant.parse(t.asText());
  }

  /** Ids of the running actor orchestrations of an instance (by their id prefix). */
  static List<String> runningActors(TestHttpClient api, String k8s) {
    TestHttpClient.Response r =
        api.get("/api/orchestrations?status=running&limit=50&prefix=actor-" + k8s);
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    r.body().get("items").forEach(i -> ids.add(i.get("instance_id").asText()));
    return ids;
  }

  static String orchestrationStatus(TestHttpClient api, String id) {
    return api.get("/api/orchestrations/" + id).body().get("status").asText();
  }

  /** The doctor's table. */
  static JsonNode doctor(TestHttpClient api) {
    TestHttpClient.Response r = api.get("/api/actors");
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    return r.body();
  }

  /** The doctor's finding for an instance (not an orphaned actor of it), or null. */
  static JsonNode finding(TestHttpClient api, String name) {
    for (JsonNode f : doctor(api)) {
      if (name.equals(f.path("instance_name").asText())
          && !"orphaned".equals(f.get("diagnosis").asText())) {
        return f;
      }
    }
    return null;
  }

  /**
   * Waits until the doctor gives the instance {@code diagnosis}, both in {@code GET /api/actors}
   * and in the instance's detail; returns the finding.
   */
  static JsonNode awaitDiagnosis(TestHttpClient api, String name, String diagnosis, Duration wait) {
    AtomicReference<JsonNode> found = new AtomicReference<>();
    await()
        .atMost(wait)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              JsonNode f = finding(api, name);
              assertThat(f).as("finding of " + name).isNotNull();
              assertThat(f.get("diagnosis").asText()).as(f.toString()).isEqualTo(diagnosis);
              JsonNode actor = instance(api, name).get("actor");
              assertThat(actor.get("diagnosis").asText()).as(actor.toString()).isEqualTo(diagnosis);
              found.set(f);
            });
    return found.get();
  }

  /**
   * Waits until exactly one actor of the instance runs in the engine, it is the recorded one and
   * the instance detail says it runs; returns its id.
   */
  static String awaitExactlyOneActor(TestHttpClient api, String name, Duration wait) {
    String k8s = k8s(api, name);
    AtomicReference<String> id = new AtomicReference<>();
    await()
        .atMost(wait)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              String recorded = recordedActor(api, name);
              assertThat(recorded).as("recorded actor of " + name).isNotNull();
              assertThat(runningActors(api, k8s))
                  .as("running actors of " + name)
                  .containsExactly(recorded);
              assertThat(instance(api, name).get("actor").get("status").asText())
                  .isEqualTo("running");
              id.set(recorded);
            });
    return id.get();
  }

  /** Waits until the instance's {@code last_health_check} is later than {@code after}. */
  static Instant awaitCheckAfter(TestHttpClient api, String name, Instant after, Duration wait) {
    AtomicReference<Instant> seen = new AtomicReference<>();
    await()
        .atMost(wait)
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () -> {
              Instant t = lastCheck(api, name);
              assertThat(t).as("last health check of " + name).isNotNull();
              if (after != null) {
                assertThat(t).as("last health check of " + name).isAfter(after);
              }
              seen.set(t);
            });
    return seen.get();
  }

  /** Health checks resume: two more land after {@code after}, both written by {@code actor}. */
  static void awaitChecksResumeBy(
      TestHttpClient api, String name, String actor, Instant after, Duration wait) {
    Instant first = awaitCheckAfter(api, name, after, wait);
    awaitCheckAfter(api, name, first, wait);
    JsonNode newest = api.get("/api/instances/" + name + "/health-checks?limit=1").body().get(0);
    assertThat(newest.get("actor_id").asText()).isEqualTo(actor);
  }

  static List<JsonNode> events(TestHttpClient api, String name) {
    TestHttpClient.Response r = api.get("/api/instances/" + name + "/events?limit=500");
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    List<JsonNode> out = new ArrayList<>();
    r.body().forEach(out::add);
    return out;
  }

  /** Waits for an event of the instance whose message contains every one of {@code parts}. */
  static JsonNode awaitEvent(TestHttpClient api, String name, Duration wait, String... parts) {
    AtomicReference<JsonNode> found = new AtomicReference<>();
    await()
        .atMost(wait)
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              for (JsonNode e : events(api, name)) {
                String m = e.get("message").asText();
                boolean all = true;
                for (String p : parts) {
                  all &= m.contains(p);
                }
                if (all) {
                  found.set(e);
                  return true;
                }
              }
              return false;
            });
    return found.get();
  }

  static long countEvents(TestHttpClient api, String name, String part) {
    return events(api, name).stream().filter(e -> e.get("message").asText().contains(part)).count();
  }

  private static final Pattern REPAIRS =
      Pattern.compile(
          "(?m)^toygres_actor_repairs_total\\{[^}]*diagnosis=\"([a-z]+)\"[^}]*\\}\\s+(\\S+)$");

  /** {@code toygres_actor_repairs_total} by diagnosis, as {@code /metrics} shows it. */
  static Map<String, Double> repairCounts(TestHttpClient api) {
    TestHttpClient.Response r = api.get("/metrics");
    assertThat(r.status()).isEqualTo(200);
    Map<String, Double> out = new java.util.TreeMap<>();
    Matcher m = REPAIRS.matcher(r.raw());
    while (m.find()) {
      out.put(m.group(1), Double.parseDouble(m.group(2)));
    }
    return out;
  }

  /** The supervisor's round number, from its custom status (-1 before its first round). */
  static long supervisorRound(TestHttpClient api) {
    JsonNode o = api.get("/api/orchestrations/" + ActorSupervisor.INSTANCE_ID).body();
    if (o == null || o.get("custom_status") == null || o.get("custom_status").isNull()) {
      return -1;
    }
    return o.get("custom_status").path("round").asLong(-1);
  }

  /**
   * Returns right after a supervisor round has finished (its custom status changed), so that the
   * next round is a whole supervisor interval away.
   */
  static long awaitFreshSupervisorRound(TestHttpClient api) {
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> supervisorRound(api) >= 0);
    long before = supervisorRound(api);
    AtomicReference<Long> now = new AtomicReference<>();
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              long r = supervisorRound(api);
              now.set(r);
              return r > before;
            });
    return now.get();
  }

  /** Waits until the supervisor has finished {@code rounds} more rounds. */
  static void awaitSupervisorRounds(TestHttpClient api, int rounds, Duration wait) {
    long start = supervisorRound(api);
    await()
        .atMost(wait)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> supervisorRound(api) >= start + rounds);
  }

  /** Creates instances and waits until each is running, healthy and watched by one actor. */
  static void createHealthy(TestHttpClient api, String... names) {
    for (String n : names) {
      TestHttpClient.Response r =
          api.post("/api/instances", Map.of("name", n, "password", n + "-secret-1"));
      assertThat(r.status()).as(r.raw()).isEqualTo(202);
    }
    for (String n : names) {
      await()
          .atMost(CREATE_WAIT)
          .pollInterval(Duration.ofMillis(250))
          .untilAsserted(
              () -> {
                JsonNode i = instance(api, n);
                assertThat(i.get("state").asText()).isEqualTo("running");
                assertThat(i.get("health_status").asText()).isEqualTo("healthy");
              });
      awaitExactlyOneActor(api, n, WAIT);
    }
  }

  /** Deletes every live instance through the API and waits until they are gone. */
  static void deleteAll(TestHttpClient api) {
    await()
        .atMost(CREATE_WAIT)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              JsonNode live = api.get("/api/instances").body();
              for (JsonNode i : live) {
                if (!"deleting".equals(i.get("state").asText())) {
                  api.delete("/api/instances/" + i.get("name").asText());
                }
              }
              return live.isEmpty();
            });
  }

  /**
   * Makes every health-check write of one instance fail (as a revoked privilege would): a trigger
   * that raises on insert, so the actor's whole check transaction rolls back.
   */
  static void failHealthWrites(MetadataDb db, UUID instanceId) throws SQLException {
    db.update(
        """
        CREATE OR REPLACE FUNCTION public.toygres_test_fail_health_write() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'test fault: health checks of instance % cannot be written', NEW.instance_id;
        END $$""");
    db.update(
        "CREATE TRIGGER "
            + triggerName(instanceId)
            + " BEFORE INSERT ON toygres_cms.instance_health_checks FOR EACH ROW WHEN"
            + " (NEW.instance_id = '"
            + instanceId
            + "'::uuid) EXECUTE FUNCTION public.toygres_test_fail_health_write()");
  }

  static void restoreHealthWrites(MetadataDb db, UUID instanceId) throws SQLException {
    db.update(
        "DROP TRIGGER IF EXISTS "
            + triggerName(instanceId)
            + " ON toygres_cms.instance_health_checks");
  }

  private static String triggerName(UUID instanceId) {
    return "toygres_test_fail_" + instanceId.toString().replace("-", "").substring(0, 12);
  }
}
