package dev.toygres.controlplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toygres.controlplane.cli.ToygresCli;
import dev.toygres.controlplane.config.ServerConfig;
import dev.toygres.controlplane.server.ToygresServer;
import dev.toygres.controlplane.testkit.LeftoverServers;
import dev.toygres.controlplane.testkit.TestDirectories;
import dev.toygres.engine.store.DatabaseTimeouts;
import dev.toygres.postgres.EmbeddedPostgres;
import dev.toygres.testkit.TestHttpClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Health that tells the truth (issue 10) on a server whose metadata database is an external
 * PostgreSQL started by the test: ready and live with every component named while all is well;
 * while the database's postmaster and backends are paused with SIGSTOP, {@code /health/ready} turns
 * 503 within 30 s, every health answer comes within 2 s, API requests answer 503 JSON within 15 s,
 * and {@code toygres status} prints the unreachable database and exits 3; after SIGCONT the server
 * is ready again and the API answers, without a restart. The doctor reports a singleton whose last
 * progress was set in the future by SQL as in the future, never healthy.
 */
class MetadataOutageIT {
  private static final String TOKEN = "outage-admin-token-0123456789";
  private static final Duration HEALTH_BOUND = Duration.ofSeconds(2);
  private static final Duration API_BOUND = Duration.ofSeconds(15);
  private static final Duration PAUSE = Duration.ofSeconds(40);

  @Test
  void healthTurnsUnavailableAndTheApiAnswers503WhileTheDatabaseIsPausedAndAllRecoversAfter()
      throws Exception {
    Path root = TestDirectories.create("outage");
    Path dataDir = root.resolve("toygres");
    List<Long> paused = new ArrayList<>();
    try (EmbeddedPostgres db = EmbeddedPostgres.start(root.resolve("metadata"))) {
      String url = db.jdbcUrl() + "?user=" + db.user() + "&password=" + db.password();
      ToygresServer server = ToygresServer.start(config(dataDir, url), TOKEN, null, "127.0.0.1");
      try {
        TestHttpClient api = TestHttpClient.local(server.port(), TOKEN);

        JsonNode healthy = timedHealth(api, "/health/ready", 200);
        assertThat(healthy.get("status").asText()).isEqualTo("ok");
        assertThat(names(healthy))
            .contains(
                "metadata_database",
                "orchestration-dispatcher-0",
                "activity-dispatcher-0",
                "lease-keeper",
                "notification-listener");
        assertThat(healthy.toString()).doesNotContain(db.password());
        timedHealth(api, "/health/live", 200);
        Cli ok = status(server.port());
        assertThat(ok.code()).as(ok.out()).isZero();
        assertThat(ok.out()).contains("server: ok").contains("metadata_database");

        clockInTheFuture(url);
        JsonNode pruner = singleton(api, "pruner");
        assertThat(pruner.get("age_seconds").asDouble()).isLessThan(-3000);
        assertThat(pruner.get("healthy").asBoolean()).isFalse();
        assertThat(pruner.get("reason").asText()).contains("in the future: clocks disagree");

        Instant pausedAt = Instant.now();
        pause(db.server().pid(), paused);
        System.out.printf(
            "%d processes paused in %d ms%n",
            paused.size(), Duration.between(pausedAt, Instant.now()).toMillis());
        // At once, before the monitor can know: the request's own database timeouts bound it.
        CompletableFuture<Duration> first =
            CompletableFuture.supplyAsync(
                () -> {
                  Instant sent = Instant.now();
                  TestHttpClient.Response r = api.get("/api/instances");
                  assertThat(r.status()).as(r.raw()).isIn(200, 503);
                  return Duration.between(sent, Instant.now());
                });
        await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(250))
            .until(() -> timedHealth(api, "/health/ready", null).get("ready").asBoolean() == false);
        System.out.printf(
            "ready turned 503 %d ms after the pause%n",
            Duration.between(pausedAt, Instant.now()).toMillis());
        Duration firstTook = first.get(API_BOUND.toSeconds() + 5, TimeUnit.SECONDS);
        System.out.printf(
            "a request sent right after the pause answered in %d ms%n", firstTook.toMillis());
        assertThat(firstTook).isLessThan(API_BOUND);
        JsonNode down = timedHealth(api, "/health", 503);
        assertThat(down.get("status").asText()).isEqualTo("unavailable");
        assertThat(down.get("components").get(0).get("state").asText()).isEqualTo("unreachable");

        for (String[] request :
            new String[][] {{"GET", "/api/instances"}, {"GET", "/api/actors"}, {"POST", ""}}) {
          Instant t = Instant.now();
          TestHttpClient.Response r =
              request[0].equals("POST")
                  ? api.post("/api/instances", Map.of("name", "during", "password", "x-secret-1"))
                  : api.get(request[1]);
          assertThat(Duration.between(t, Instant.now())).isLessThan(API_BOUND);
          assertThat(r.status()).as(r.raw()).isEqualTo(503);
          assertThat(r.error()).contains("metadata database is unavailable");
          assertThat(r.header("Retry-After")).isPresent();
        }
        Cli notReady = status(server.port());
        assertThat(notReady.code()).as(notReady.out()).isEqualTo(3);
        assertThat(notReady.out()).contains("server: unavailable").contains("unreachable");

        // A longer outage: the worker's loops keep finishing rounds (each bounded by the
        // database timeouts), so the server stays live and only its readiness is lost.
        while (Duration.between(pausedAt, Instant.now()).compareTo(PAUSE) < 0) {
          JsonNode during = timedHealth(api, "/health/ready", 503);
          assertThat(during.get("ready").asBoolean()).isFalse();
          Thread.sleep(1_000);
        }
        JsonNode live = timedHealth(api, "/health/live", null);
        System.out.println("liveness after the pause: " + live);
        assertThat(live.get("live").asBoolean()).as(live.toString()).isTrue();

        Instant resumedAt = Instant.now();
        resume(paused);
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(250))
            .until(() -> timedHealth(api, "/health/ready", null).get("ready").asBoolean());
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> api.get("/api/instances").status() == 200);
        System.out.printf(
            "ready and serving again %d ms after the resume%n",
            Duration.between(resumedAt, Instant.now()).toMillis());
        timedHealth(api, "/health/live", 200);
        assertThat(status(server.port()).code()).isZero();
      } finally {
        resume(paused);
        server.close();
      }
    } finally {
      resume(paused);
      LeftoverServers.stopAll(root);
    }
  }

  @Test
  void aStoppedDatabaseIsReportedAtOnceAndTheServerReconnectsByItselfWhenItIsBack()
      throws Exception {
    Path root = TestDirectories.create("outage-stop");
    Path dataDir = root.resolve("toygres");
    Path metadata = root.resolve("metadata");
    EmbeddedPostgres db = EmbeddedPostgres.start(metadata);
    EmbeddedPostgres again = null;
    ToygresServer server = null;
    try {
      String url = db.jdbcUrl() + "?user=" + db.user() + "&password=" + db.password();
      server = ToygresServer.start(config(dataDir, url), TOKEN, null, "127.0.0.1");
      TestHttpClient api = TestHttpClient.local(server.port(), TOKEN);
      timedHealth(api, "/health/ready", 200);

      Instant stoppedAt = Instant.now();
      String before = db.jdbcUrl();
      db.close();
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> !timedHealth(api, "/health/ready", null).get("ready").asBoolean());
      System.out.printf(
          "stopped database: ready turned 503 %d ms after the stop%n",
          Duration.between(stoppedAt, Instant.now()).toMillis());
      Instant t = Instant.now();
      TestHttpClient.Response r = api.get("/api/instances");
      assertThat(Duration.between(t, Instant.now())).isLessThan(API_BOUND);
      assertThat(r.status()).as(r.raw()).isEqualTo(503);
      assertThat(r.header("Retry-After")).isPresent();
      Thread.sleep(5_000);

      again = EmbeddedPostgres.start(metadata);
      assertThat(again.jdbcUrl()).as("restarted on the remembered port").isEqualTo(before);
      Instant startedAt = Instant.now();
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> timedHealth(api, "/health/ready", null).get("ready").asBoolean());
      await().atMost(Duration.ofSeconds(60)).until(() -> api.get("/api/instances").status() == 200);
      System.out.printf(
          "stopped database: ready and serving again %d ms after its restart%n",
          Duration.between(startedAt, Instant.now()).toMillis());
      timedHealth(api, "/health/live", 200);
    } finally {
      if (server != null) {
        server.close();
      }
      if (again != null) {
        again.close();
      }
      db.close();
      LeftoverServers.stopAll(root);
    }
  }

  private static ServerConfig config(Path dataDir, String url) {
    return new ServerConfig(
        dataDir,
        0,
        url,
        Duration.ofSeconds(1),
        Duration.ofMinutes(5),
        Duration.ofSeconds(60),
        true,
        2,
        Duration.ofDays(7),
        Duration.ofSeconds(2),
        34100,
        34199,
        Duration.ofSeconds(10),
        ServerConfig.DEFAULT_INSTANCE_USER,
        Duration.ofDays(90),
        DatabaseTimeouts.defaults(),
        Duration.ofSeconds(60),
        ServerConfig.DEFAULT_ACTIVITY_TIMEOUT,
        ServerConfig.DEFAULT_PROBE_RETRY_DELAY,
        ServerConfig.DEFAULT_RESTART_BACKOFF,
        ServerConfig.DEFAULT_FAILOVER_COOLDOWN,
        null);
  }

  /** GETs a health route, asserts it answered within 2 s (and with {@code status} if given). */
  private static JsonNode timedHealth(TestHttpClient api, String path, Integer status) {
    Instant t = Instant.now();
    TestHttpClient.Response r = api.withToken(null).get(path);
    assertThat(Duration.between(t, Instant.now())).as(path).isLessThan(HEALTH_BOUND);
    if (status != null) {
      assertThat(r.status()).as(r.raw()).isEqualTo(status);
    } else {
      assertThat(r.status()).as(r.raw()).isIn(200, 503);
    }
    return r.json();
  }

  private static List<String> names(JsonNode report) {
    List<String> out = new ArrayList<>();
    report.get("components").forEach(c -> out.add(c.get("name").asText()));
    return out;
  }

  /** Sets the pruner's last progress an hour ahead of the database's clock (by SQL). */
  private static void clockInTheFuture(String url) throws Exception {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.executeUpdate(
          "UPDATE toygres_durable.instances SET updated_at = now() + interval '1 hour'"
              + " WHERE instance_id = 'toygres-pruner'");
    }
  }

  private static JsonNode singleton(TestHttpClient api, String name) {
    for (JsonNode s : api.get("/api/actors/singletons").body()) {
      if (s.get("name").asText().equals(name)) {
        return s;
      }
    }
    throw new AssertionError("no singleton " + name);
  }

  record Cli(int code, String out) {}

  private static Cli status(int port) {
    StringWriter out = new StringWriter();
    CommandLine cli = ToygresCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(out, true));
    int code = cli.execute("status", "--server", "http://127.0.0.1:" + port, "--token", TOKEN);
    return new Cli(code, out.toString());
  }

  /**
   * SIGSTOPs the postmaster (so it forks no more), then all of its backends with one {@code kill}:
   * a process per backend took seconds on a loaded machine, and the database was half paused
   * meanwhile.
   */
  private static void pause(long postmaster, List<Long> paused) throws Exception {
    signal("-STOP", List.of(postmaster));
    paused.add(postmaster);
    List<Long> children =
        ProcessHandle.of(postmaster).orElseThrow().children().map(ProcessHandle::pid).toList();
    signal("-STOP", children);
    paused.addAll(children);
  }

  /** SIGCONTs every process this test paused (backends first); safe to call twice. */
  private static void resume(List<Long> paused) throws IOException, InterruptedException {
    List<Long> backendsFirst = new ArrayList<>(paused);
    Collections.reverse(backendsFirst);
    signal("-CONT", backendsFirst);
    paused.clear();
  }

  private static void signal(String signal, List<Long> pids)
      throws IOException, InterruptedException {
    if (pids.isEmpty()) {
      return;
    }
    List<String> command = new ArrayList<>(List.of("kill", signal));
    pids.forEach(pid -> command.add(Long.toString(pid)));
    Process p = new ProcessBuilder(command).inheritIO().start();
    p.waitFor();
  }
}
