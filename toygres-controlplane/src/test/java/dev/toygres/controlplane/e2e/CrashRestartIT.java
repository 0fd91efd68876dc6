package dev.toygres.controlplane.e2e;

import static dev.toygres.controlplane.e2e.ActorAsserts.CREATE_WAIT;
import static dev.toygres.controlplane.e2e.ActorAsserts.awaitEvent;
import static dev.toygres.controlplane.e2e.ActorAsserts.countEvents;
import static dev.toygres.controlplane.e2e.ActorAsserts.createHealthy;
import static dev.toygres.controlplane.e2e.ActorAsserts.instance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toygres.controlplane.testkit.LeftoverServers;
import dev.toygres.controlplane.testkit.ServerProcess;
import dev.toygres.controlplane.testkit.TestDirectories;
import dev.toygres.postgres.PostgresServer;
import dev.toygres.testkit.TestHttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Crash restart (issue 11): the instance actor starts again the server of a running instance it
 * finds down, with a back-off, reports a crash loop, and never starts a stopped instance.
 */
class CrashRestartIT {
  /** The health interval ServerProcess starts servers with. */
  private static final Duration INTERVAL = Duration.ofSeconds(1);

  private Path dataDir;
  private ServerProcess server;
  private int serverPort;
  private final List<Path> instanceDirs = new ArrayList<>();

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
      for (Path d : instanceDirs) {
        PostgresServer.attach(d).ifPresent(PostgresServer::stop);
      }
      LeftoverServers.stopAll(dataDir);
    }
  }

  private TestHttpClient start(String... flags) throws Exception {
    dataDir = TestDirectories.create("crash-restart");
    serverPort = ServerProcess.freePort();
    server = ServerProcess.start(dataDir, serverPort, 42632, flags);
    return server.api();
  }

  private long killServer(TestHttpClient api, String name) throws Exception {
    JsonNode dp = instance(api, name).get("data_plane");
    instanceDirs.add(Path.of(dp.get("data_dir").asText()));
    long pid = dp.get("pid").asLong();
    ProcessHandle p = ProcessHandle.of(pid).orElseThrow();
    p.destroyForcibly();
    p.onExit().get();
    return pid;
  }

  @ParameterizedTest
  @ValueSource(strings = {"18", "15"})
  void aServerKilledWithSigkillIsHealthyAgainByItselfWithANewPidAndARestartEvent(String version)
      throws Exception {
    TestHttpClient api = start("--probe-retry-delay", "500ms");
    TestHttpClient.Response created =
        api.post(
            "/api/instances",
            Map.of("name", "crash-a", "password", "crash-a-secret-1", "postgres_version", version));
    assertThat(created.status()).as(created.raw()).isEqualTo(202);
    await()
        .atMost(CREATE_WAIT)
        .pollInterval(Duration.ofMillis(250))
        .until(() -> "healthy".equals(instance(api, "crash-a").get("health_status").asText()));
    long killed = killServer(api, "crash-a");
    Instant at = Instant.now();
    // interval x threshold + the first back-off (0) + a start: 2 x 1 s + 0 + 30 s at most
    Duration bound = INTERVAL.multipliedBy(2).plus(Duration.ofSeconds(30));
    Instant[] unhealthy = new Instant[1];
    await()
        .atMost(bound)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              JsonNode i = instance(api, "crash-a");
              if (unhealthy[0] == null && !"healthy".equals(i.get("health_status").asText())) {
                unhealthy[0] = Instant.now();
              }
              assertThat(i.get("data_plane").get("pid").asLong()).isNotEqualTo(killed);
              assertThat(ProcessHandle.of(i.get("data_plane").get("pid").asLong())).isPresent();
              assertThat(i.get("health_status").asText()).isEqualTo("healthy");
              assertThat(i.get("state").asText()).isEqualTo("running");
            });
    Duration recovered = Duration.between(at, Instant.now());
    JsonNode e = awaitEvent(api, "crash-a", Duration.ofSeconds(5), "server restarted", "attempt 1");
    assertThat(e.get("event_type").asText()).isEqualTo("server_restarted");
    assertThat(countEvents(api, "crash-a", "server restarted")).isEqualTo(1);
    String metrics = api.get("/metrics").raw();
    assertThat(metrics)
        .containsPattern(
            "toygres_instance_restarts_total\\{[^}]*name=\"crash-a\"[^}]*outcome=\"started\"[^}]*\\} 1\\.0");
    System.out.printf(
        "crash restart (PostgreSQL %s): healthy again %d ms after SIGKILL (health interval %s,"
            + " threshold 2, retry delay 500ms, first back-off 0)%n",
        version, recovered.toMillis(), INTERVAL);
  }

  @Test
  void aServerThatCannotStartBacksOffIsReportedAsACrashLoopAndStartsOnceFixed() throws Exception {
    TestHttpClient api = start("--restart-backoff", "0s,2s,4s,8s");
    createHealthy(api, "crash-loop");
    Path data = Path.of(instance(api, "crash-loop").get("data_plane").get("data_dir").asText());
    Path conf = data.resolve("postgresql.auto.conf");
    String original = Files.readString(conf);
    Files.writeString(conf, "no_such_setting_at_all = on\n", StandardOpenOption.APPEND);
    killServer(api, "crash-loop");
    Instant at = Instant.now();
    JsonNode loop =
        awaitEvent(api, "crash-loop", Duration.ofSeconds(60), "restart attempt", "crash loop");
    assertThat(loop.get("event_type").asText()).isEqualTo("server_restart_failed");
    Duration toLoop = Duration.between(at, Instant.now());
    Thread.sleep(Math.max(0, Duration.ofSeconds(30).minus(toLoop).toMillis()));
    long attempts = countEvents(api, "crash-loop", "restart attempt");
    // 0 s, 2 s, 4 s, then 8 s apart: at most 0+2+4+8+8 fit in 30 s (plus the probes between)
    assertThat(attempts).isBetween(3L, 6L);
    JsonNode i = instance(api, "crash-loop");
    assertThat(i.get("state").asText()).isEqualTo("running");
    assertThat(i.get("health_status").asText()).isEqualTo("unhealthy");
    assertThat(countEvents(api, "crash-loop", "server restarted")).isZero();
    // the instance (its detail, which `toygres get` prints) and the doctor say so
    assertThat(i.get("actor").get("reason").asText()).contains("instance server: crash loop: ");
    assertThat(ActorAsserts.finding(api, "crash-loop").get("reason").asText())
        .contains("instance server: crash loop: ");
    // and so does /metrics (read from the CMS at most every 5 s)
    await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () ->
                assertThat(api.get("/metrics").raw())
                    .contains("toygres_instance_crash_looping{name=\"crash-loop\"} 1.0")
                    .contains("toygres_instance_up{name=\"crash-loop\"} 0.0"));

    Files.writeString(conf, original);
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () ->
                assertThat(instance(api, "crash-loop").get("health_status").asText())
                    .isEqualTo("healthy"));
    assertThat(countEvents(api, "crash-loop", "server restarted")).isEqualTo(1);
    assertThat(instance(api, "crash-loop").get("actor").get("reason").asText())
        .doesNotContain("crash loop");
    await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () ->
                assertThat(api.get("/metrics").raw())
                    .contains("toygres_instance_crash_looping{name=\"crash-loop\"} 0.0")
                    .contains("toygres_instance_up{name=\"crash-loop\"} 1.0"));
    System.out.printf(
        "crash loop: reported %d ms after the kill; %d attempts in the first 30 s%n",
        toLoop.toMillis(), attempts);
  }

  @Test
  void theBackOffOfACrashLoopSurvivesAControlPlaneRestart() throws Exception {
    String[] flags = {"--restart-backoff", "0s,1m"};
    TestHttpClient api = start(flags);
    createHealthy(api, "crash-durable");
    Path data = Path.of(instance(api, "crash-durable").get("data_plane").get("data_dir").asText());
    Path conf = data.resolve("postgresql.auto.conf");
    String original = Files.readString(conf);
    Files.writeString(conf, "no_such_setting_at_all = on\n", StandardOpenOption.APPEND);
    killServer(api, "crash-durable");
    awaitEvent(api, "crash-durable", Duration.ofSeconds(30), "restart attempt 1 failed");
    server.kill();
    server = ServerProcess.start(dataDir, serverPort, 42632, flags);
    TestHttpClient again = server.api();
    Instant restarted = Instant.now();
    // the new server's actor keeps the back-off: attempt 2 is a minute after attempt 1, not now
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () ->
                Instant.parse(instance(again, "crash-durable").get("last_health_check").asText())
                    .isAfter(restarted.plusSeconds(3)));
    assertThat(countEvents(again, "crash-durable", "restart attempt")).isEqualTo(1);
    assertThat(instance(again, "crash-durable").get("actor").get("reason").asText())
        .contains("restart attempt 2 in");
    // Fixed, it runs again: by the actor's attempt 2, or by the new server's start after boot
    // (docs/actor.md#after-a-restart-boot-reconciliation), whichever comes first.
    Files.writeString(conf, original);
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> "healthy".equals(instance(again, "crash-durable").get("health_status").asText()));
    assertThat(countEvents(again, "crash-durable", "restart attempt 1 ")).isEqualTo(1);
  }

  @Test
  void aStoppedInstanceIsNeverStartedByItsActor() throws Exception {
    TestHttpClient api = start();
    createHealthy(api, "crash-stop");
    instanceDirs.add(
        Path.of(instance(api, "crash-stop").get("data_plane").get("data_dir").asText()));
    TestHttpClient.Response stop = api.post("/api/instances/crash-stop/stop");
    assertThat(stop.status()).as(stop.raw()).isEqualTo(202);
    await()
        .atMost(CREATE_WAIT)
        .until(() -> "stopped".equals(instance(api, "crash-stop").get("state").asText()));
    Instant stopped = Instant.now();
    // five intervals: the actor keeps looking and never starts it
    await()
        .pollDelay(INTERVAL.multipliedBy(5))
        .atMost(INTERVAL.multipliedBy(5).plusSeconds(10))
        .until(() -> true);
    JsonNode i = instance(api, "crash-stop");
    assertThat(i.get("state").asText()).isEqualTo("stopped");
    assertThat(i.get("data_plane").get("pid").isNull()).isTrue();
    assertThat(Instant.parse(i.get("last_health_check").asText())).isAfter(stopped);
    assertThat(countEvents(api, "crash-stop", "restart")).isZero();
    Optional<PostgresServer> running = PostgresServer.attach(instanceDirs.get(0));
    assertThat(running).isEmpty();
  }
}
