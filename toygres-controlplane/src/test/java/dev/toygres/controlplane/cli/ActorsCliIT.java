package dev.toygres.controlplane.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toygres.controlplane.testkit.LeftoverServers;
import dev.toygres.controlplane.testkit.TestServer;
import dev.toygres.testkit.TestHttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code toygres actors} and {@code toygres actors recover} in-process against a real server (auto
 * repair off) with one healthy and one dead actor: the doctor's table and its summary line, the
 * JSON for scripts, a dry run that changes nothing, and a recovery that heals the dead actor.
 */
class ActorsCliIT {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final String OK = "cli-fine";
  private static final String DEAD = "cli-dead";
  private static TestServer server;
  private static TestHttpClient api;
  private static String url;

  @BeforeAll
  static void start() throws Exception {
    server =
        TestServer.start(
            "actors-cli",
            38432,
            new TestServer.Settings(
                Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(2), false));
    api = server.api();
    url = "http://127.0.0.1:" + server.server().port();
    for (String n : List.of(OK, DEAD)) {
      TestHttpClient.Response r =
          api.post("/api/instances", Map.of("name", n, "password", n + "-secret-1"));
      assertThat(r.status()).as(r.raw()).isEqualTo(202);
    }
    for (String n : List.of(OK, DEAD)) {
      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(250))
          .until(
              () ->
                  "healthy"
                      .equals(
                          api.get("/api/instances/" + n).body().path("health_status").asText()));
    }
  }

  @AfterAll
  static void stop() {
    if (server == null) {
      return;
    }
    try {
      for (String n : List.of(OK, DEAD)) {
        api.delete("/api/instances/" + n);
      }
      await().atMost(WAIT).until(() -> api.get("/api/instances").body().isEmpty());
    } finally {
      try {
        server.close();
      } finally {
        LeftoverServers.stopAll(server.dataDir());
      }
    }
  }

  private static CliRun cli(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--server", url, "--token", TestServer.TOKEN));
    return CliRun.of(all.toArray(String[]::new));
  }

  private static CliRun ok(String... args) {
    CliRun run = cli(args);
    assertThat(run.exitCode()).as(String.join(" ", args) + "\n" + run).isZero();
    return run;
  }

  private static String lastLine(String out) {
    List<String> lines = out.lines().toList();
    return lines.get(lines.size() - 1);
  }

  private static String rowOf(String out, String name) {
    return out.lines()
        .filter(l -> l.startsWith(name + " "))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no row for " + name + " in:\n" + out));
  }

  private static String diagnosisOf(String name) {
    for (JsonNode f : api.get("/api/actors").body()) {
      if (name.equals(f.path("instance_name").asText())) {
        return f.get("diagnosis").asText();
      }
    }
    return null;
  }

  @Test
  void theDoctorsTableJsonDryRunAndRecoveryThroughTheCli() throws Exception {
    String deadActor =
        api.get("/api/instances/" + DEAD).body().get("instance_actor_orchestration_id").asText();
    TestHttpClient.Response cancel =
        api.post(
            "/api/orchestrations/" + deadActor + "/cancel", Map.of("reason", "ended for the cli"));
    assertThat(cancel.status()).as(cancel.raw()).isEqualTo(202);
    await().atMost(WAIT).until(() -> "dead".equals(diagnosisOf(DEAD)));
    await().atMost(WAIT).until(() -> "healthy".equals(diagnosisOf(OK)));

    CliRun table = ok("actors");
    assertThat(table.out().lines().findFirst().orElseThrow())
        .startsWith("INSTANCE")
        .contains("STATE", "ACTOR", "ENGINE", "LAST CHECK", "DIAGNOSIS", "REASON");
    assertThat(rowOf(table.out(), DEAD))
        .contains(
            "running", deadActor, "cancelled", "dead", "ended (cancelled: ended for the cli)");
    assertThat(rowOf(table.out(), OK)).contains("healthy");
    assertThat(lastLine(table.out())).isEqualTo("2 actors: 1 dead, 1 healthy");

    CliRun json = ok("actors", "--diagnosis", "dead", "--json");
    JsonNode findings = ApiClient.MAPPER.readTree(json.out());
    assertThat(findings.isArray()).isTrue();
    assertThat(findings).hasSize(1);
    assertThat(findings.get(0).get("instance_name").asText()).isEqualTo(DEAD);
    assertThat(findings.get(0).get("diagnosis").asText()).isEqualTo("dead");
    assertThat(findings.get(0).get("actor_id").asText()).isEqualTo(deadActor);

    CliRun none = ok("actors", "--diagnosis", "stale,zombie");
    assertThat(none.out()).isEqualTo("no actors to diagnose\n0 actors\n");

    CliRun bad = cli("actors", "--diagnosis", "sleepy");
    assertThat(bad.exitCode()).as(bad.toString()).isNotZero();
    assertThat(bad.err()).contains("unknown diagnosis 'sleepy'");

    CliRun dry = ok("actors", "recover", "--dry-run");
    assertThat(dry.out().lines().findFirst().orElseThrow()).contains("DIAGNOSIS", "WOULD");
    assertThat(rowOf(dry.out(), DEAD)).contains("dead", "start", deadActor, "dry run: ");
    assertThat(lastLine(dry.out())).isEqualTo("1 actions planned (dry run: nothing changed)");
    assertThat(diagnosisOf(DEAD)).isEqualTo("dead");
    assertThat(
            api.get("/api/instances/" + DEAD)
                .body()
                .get("instance_actor_orchestration_id")
                .asText())
        .isEqualTo(deadActor);

    CliRun recover = ok("actors", "recover", "--diagnosis", "dead");
    assertThat(rowOf(recover.out(), DEAD)).contains("dead", "start", deadActor);
    assertThat(lastLine(recover.out())).isEqualTo("1 actions taken");
    String fresh =
        api.get("/api/instances/" + DEAD).body().get("instance_actor_orchestration_id").asText();
    assertThat(fresh).isNotEqualTo(deadActor);
    assertThat(rowOf(recover.out(), DEAD)).contains(fresh);

    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(250))
        .until(() -> lastLine(ok("actors").out()).equals("2 actors: 2 healthy"));
    assertThat(ok("actors", "recover").out()).isEqualTo("nothing to recover\n");
  }
}
