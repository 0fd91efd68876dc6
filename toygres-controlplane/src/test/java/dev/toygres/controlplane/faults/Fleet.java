package dev.toygres.controlplane.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toygres.controlplane.actor.Cadence;
import dev.toygres.testkit.TestHttpClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The instances of a fault test as the API shows them (state, checks, actors, the doctor), and the
 * instance servers as the operating system shows them (their postmaster pids).
 */
final class Fleet {
  static final Duration CREATE_WAIT = Duration.ofMinutes(2);

  private Fleet() {}

  /** Creates the instances and waits until each is running, healthy and watched by one actor. */
  static void createHealthy(TestHttpClient api, List<String> names) {
    for (String n : names) {
      TestHttpClient.Response r =
          api.post("/api/instances", Map.of("name", n, "password", n + "-secret-1"));
      assertThat(r.status()).as(r.raw()).isEqualTo(202);
    }
    await()
        .atMost(CREATE_WAIT)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              for (String n : names) {
                JsonNode i = instance(api, n);
                assertThat(i.get("state").asText()).as(n).isEqualTo("running");
                assertThat(i.get("health_status").asText()).as(n).isEqualTo("healthy");
                assertThat(hasExactlyOneActor(api, n)).as("one actor watches " + n).isTrue();
              }
            });
  }

  static JsonNode instance(TestHttpClient api, String name) {
    TestHttpClient.Response r = api.get("/api/instances/" + name);
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    return r.body();
  }

  /** The instance's last health check, or null before the first. */
  static Instant lastCheck(TestHttpClient api, String name) {
    JsonNode t = instance(api, name).get("last_health_check");
    return t == null || t.isNull() ? null : Instant.parse(t.asText());
  }

  /** Whether every instance has a health check later than {@code after}. */
  static boolean allCheckedAfter(TestHttpClient api, List<String> names, Instant after) {
    for (String n : names) {
      Instant t = lastCheck(api, n);
      if (t == null || !t.isAfter(after)) {
        return false;
      }
    }
    return true;
  }

  /** Ids of the running actor orchestrations of an instance. */
  static List<String> runningActors(TestHttpClient api, String name) {
    String k8s = instance(api, name).get("k8s_name").asText();
    TestHttpClient.Response r =
        api.get("/api/orchestrations?status=running&limit=50&prefix=actor-" + k8s);
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    r.body().get("items").forEach(i -> ids.add(i.get("instance_id").asText()));
    return ids;
  }

  /** The actor the CMS records for the instance, or null. */
  static String recordedActor(TestHttpClient api, String name) {
    JsonNode a = instance(api, name).get("instance_actor_orchestration_id");
    return a == null || a.isNull() ? null : a.asText();
  }

  /** Exactly one actor of the instance runs in the engine, and it is the recorded one. */
  static boolean hasExactlyOneActor(TestHttpClient api, String name) {
    String recorded = recordedActor(api, name);
    return recorded != null && runningActors(api, name).equals(List.of(recorded));
  }

  /** One health check: who wrote it, when, its status and how long its probe took (or null). */
  record Check(String actorId, Instant at, String status, Double responseTimeMs) {}

  /** The instance's health checks after {@code after}, oldest first. */
  static List<Check> checksAfter(TestHttpClient api, String name, Instant after) {
    TestHttpClient.Response r = api.get("/api/instances/" + name + "/health-checks?limit=500");
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    List<Check> out = new ArrayList<>();
    for (JsonNode c : r.body()) {
      Instant at = Instant.parse(c.get("checked_at").asText());
      if (at.isAfter(after)) {
        JsonNode took = c.get("response_time_ms");
        out.add(
            new Check(
                c.path("actor_id").asText(null),
                at,
                c.get("status").asText(),
                took == null || took.isNull() ? null : took.asDouble()));
      }
    }
    out.sort((a, b) -> a.at().compareTo(b.at()));
    return out;
  }

  /** The longest time between two consecutive checks of the instance after {@code after}. */
  static Duration longestGap(TestHttpClient api, String name, Instant after) {
    List<Check> checks = checksAfter(api, name, after);
    Duration longest = Duration.ZERO;
    for (int i = 1; i < checks.size(); i++) {
      Duration gap = Duration.between(checks.get(i - 1).at(), checks.get(i).at());
      if (gap.compareTo(longest) > 0) {
        longest = gap;
      }
    }
    return longest;
  }

  /**
   * Nothing is checked twice at once after {@code after}: every check of the instance is by its
   * recorded actor, and between any two consecutive checks one of the instance's due times passed
   * (docs/actor.md#cadence). One actor checks, then waits for its next due time, so each of its
   * regular checks answers a due time of its own, however late it ran; only a second writer, such
   * as a resumed worker finishing work it no longer holds, puts two checks without a due time
   * between them. (Two checks can legitimately come closer than an interval: a check that ran late
   * is followed by the next due one on time.)
   */
  static void assertCheckedOnceAtATime(
      TestHttpClient api, String name, Instant after, Duration healthInterval) {
    Set<String> writers = new TreeSet<>();
    List<Check> checks = checksAfter(api, name, after);
    checks.forEach(c -> writers.add(c.actorId()));
    assertThat(writers)
        .as("actors that checked " + name + " since " + after)
        .containsExactly(recordedActor(api, name));
    assertThat(checks).as("checks of " + name + " since " + after).hasSizeGreaterThan(1);
    UUID id = UUID.fromString(instance(api, name).get("id").asText());
    Cadence cadence = new Cadence(healthInterval);
    for (int i = 1; i < checks.size(); i++) {
      Instant previous = checks.get(i - 1).at();
      Instant due = cadence.nextDue(id, previous);
      assertThat(checks.get(i).at())
          .as(
              "check %d of %s since %s comes after the due time %s that follows check %d at %s;"
                  + " the checks: %s",
              i, name, after, due, i - 1, previous, checks)
          .isAfterOrEqualTo(due);
    }
  }

  /** The doctor's diagnosis of each named instance's actor (orphaned actors left out). */
  static Map<String, String> diagnoses(TestHttpClient api, List<String> names) {
    TestHttpClient.Response r = api.get("/api/actors");
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    Map<String, String> out = new TreeMap<>();
    for (JsonNode f : r.body()) {
      String n = f.path("instance_name").asText();
      if (names.contains(n) && !"orphaned".equals(f.get("diagnosis").asText())) {
        out.put(n, f.get("diagnosis").asText());
      }
    }
    return out;
  }

  /**
   * When each file the control plane writes into an instance (its {@code instance.json} and its
   * {@code pg_hba.conf}) was last modified, by path.
   */
  static Map<Path, FileTime> instanceFiles(Path instancesDir) throws IOException {
    Map<Path, FileTime> out = new TreeMap<>();
    if (!Files.isDirectory(instancesDir)) {
      return out;
    }
    try (Stream<Path> s = Files.walk(instancesDir, 3)) {
      for (Path p :
          s.filter(
                  p ->
                      p.getFileName().toString().equals("instance.json")
                          || p.getFileName().toString().equals("pg_hba.conf"))
              .toList()) {
        out.put(p, Files.getLastModifiedTime(p));
      }
    }
    return out;
  }

  /**
   * The pid of every instance server running under {@code instancesDir}, by its data directory,
   * read from each {@code postmaster.pid} whose process is alive.
   */
  static Map<Path, Long> instancePostmasters(Path instancesDir) throws IOException {
    Map<Path, Long> out = new TreeMap<>();
    if (!Files.isDirectory(instancesDir)) {
      return out;
    }
    try (Stream<Path> s = Files.walk(instancesDir, 4)) {
      for (Path pidFile :
          s.filter(p -> p.getFileName().toString().equals("postmaster.pid")).toList()) {
        List<String> lines = Files.readAllLines(pidFile);
        if (!lines.isEmpty()) {
          long pid = Long.parseLong(lines.get(0).trim());
          if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            out.put(pidFile.getParent(), pid);
          }
        }
      }
    }
    return out;
  }
}
