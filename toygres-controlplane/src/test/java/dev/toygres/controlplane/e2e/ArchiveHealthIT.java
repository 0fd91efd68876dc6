package dev.toygres.controlplane.e2e;

import static dev.toygres.controlplane.e2e.ActorAsserts.CREATE_WAIT;
import static dev.toygres.controlplane.e2e.ActorAsserts.WAIT;
import static dev.toygres.controlplane.e2e.ActorAsserts.instance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toygres.controlplane.testkit.TestServer;
import dev.toygres.testkit.TestHttpClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The archive's health (docs/backups.md#the-archives-health), on real servers of every version we
 * offer: an archive command that fails makes the instance's {@code archive.status} {@code failing}
 * (API, metric, the doctor's reason), and a working one makes it {@code ok} again.
 *
 * <p>The test switches archiving on itself, so that it does not depend on how the data plane
 * archives: it appends {@code archive_mode} and {@code archive_command} to the instance's {@code
 * postgresql.auto.conf} (the data directory comes from the API), restarts the instance through the
 * API (archive_mode needs a restart), and later changes the command with a SIGHUP to the server's
 * pid (from the API) — the test holds no superuser of the instance. The tenant cannot call {@code
 * pg_switch_wal()}, so a WAL segment is finished by writing about 25 MB of rows. The working
 * command is {@code /bin/true}: any command that exits 0 counts as archived, which is all the
 * health sees.
 */
class ArchiveHealthIT {
  static final String NAME = "arc";
  static final String PASSWORD = "arc-secret-1";
  private static final Pattern SEGMENT = Pattern.compile("^[0-9A-F]{24}$");

  private TestServer server;

  @AfterEach
  void cleanUp() {
    if (server != null) {
      try {
        ActorAsserts.deleteAll(server.api());
      } finally {
        server.close();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"18", "17", "15"})
  void aFailingArchiveCommandIsReportedFailingUntilAWorkingOneArchivesAgain(String version)
      throws Exception {
    server = TestServer.start("archive-health-" + version, 45832);
    TestHttpClient api = server.api();
    TestHttpClient.Response created =
        api.post(
            "/api/instances",
            Map.of("name", NAME, "password", PASSWORD, "postgres_version", version));
    assertThat(created.status()).as(created.raw()).isEqualTo(202);
    JsonNode off = awaitArchive(api, CREATE_WAIT, a -> a.hasNonNull("checked_at"));
    if (!off.hasNonNull("last_archived_wal") && off.path("failed_count").asLong() == 0) {
      assertThat(off.get("status").asText()).as(off.toString()).isEqualTo("none");
    }

    JsonNode i = instance(api, NAME);
    Path dataDir = Path.of(i.get("data_plane").get("data_dir").asText());
    long before = i.get("data_plane").get("pid").asLong();
    appendSettings(dataDir, "archive_mode = 'on'", "archive_command = '/bin/false'");
    TestHttpClient.Response restarted = api.post("/api/instances/" + NAME + "/restart");
    assertThat(restarted.status()).as(restarted.raw()).isEqualTo(202);
    long pid = awaitRunningWithNewPid(api, before);
    int port = instance(api, NAME).get("data_plane").get("port").asInt();

    long written = System.nanoTime();
    fillASegment(port);
    JsonNode failing =
        awaitArchive(
            api,
            WAIT,
            a ->
                "failing".equals(a.path("status").asText()) && a.path("failed_count").asLong() > 0);
    long failingMs = (System.nanoTime() - written) / 1_000_000;
    String failedWal = failing.get("last_failed_wal").asText();
    assertThat(failedWal).matches(SEGMENT);
    assertThat(failing.get("last_failed_at").isNull()).isFalse();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(metric(api, "toygres_instance_archive_failures")).isPositive());
    assertThat(instance(api, NAME).get("actor").get("reason").asText())
        .contains("WAL archive failing");

    appendSettings(dataDir, "archive_command = '/bin/true'");
    long reloaded = System.nanoTime();
    assertThat(sighup(pid)).isTrue();
    JsonNode ok =
        awaitArchive(
            api,
            WAIT,
            a ->
                "ok".equals(a.path("status").asText())
                    && SEGMENT.matcher(a.path("last_archived_wal").asText()).matches()
                    && a.path("last_archived_wal").asText().compareTo(failedWal) >= 0
                    && a.path("lag_segments").asLong(-1) == 0);
    long okMs = (System.nanoTime() - reloaded) / 1_000_000;
    System.out.printf(
        "archive health (PostgreSQL %s, health interval 1 s): failing in the API %d ms after the"
            + " 25 MB write began, ok %d ms after the SIGHUP; probe response times: %s%n",
        version, failingMs, okMs, responseTimes(api));
    assertThat(ok.get("failed_count").asLong())
        .as("failures count since the statistics began")
        .isPositive();
    assertThat(ok.get("current_wal").asText()).matches(SEGMENT);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(metric(api, "toygres_instance_archive_lag_segments")).isZero();
              assertThat(metric(api, "toygres_instance_archive_last_success_age_seconds"))
                  .isGreaterThanOrEqualTo(0);
            });
    assertThat(instance(api, NAME).get("actor").get("reason").asText())
        .doesNotContain("WAL archive");
  }

  /** Median and max response time of the last 20 checks (the probe, archive query included). */
  private static String responseTimes(TestHttpClient api) {
    java.util.List<Double> ms = new java.util.ArrayList<>();
    api.get("/api/instances/" + NAME + "/health-checks?limit=20")
        .body()
        .forEach(
            c -> {
              if (c.hasNonNull("response_time_ms")) {
                ms.add(c.get("response_time_ms").asDouble());
              }
            });
    java.util.Collections.sort(ms);
    return ms.isEmpty()
        ? "none"
        : String.format(
            "median %.1f ms, max %.1f ms", ms.get(ms.size() / 2), ms.get(ms.size() - 1));
  }

  /** Waits until the instance's {@code archive} object satisfies {@code ok}; returns it. */
  static JsonNode awaitArchive(TestHttpClient api, Duration wait, Predicate<JsonNode> ok) {
    AtomicReference<JsonNode> seen = new AtomicReference<>();
    await()
        .atMost(wait)
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () -> {
              JsonNode a = instance(api, NAME).path("archive");
              seen.set(a);
              assertThat(ok.test(a)).as(a.toString()).isTrue();
            });
    return seen.get();
  }

  static long awaitRunningWithNewPid(TestHttpClient api, long before) {
    AtomicReference<Long> pid = new AtomicReference<>();
    await()
        .atMost(CREATE_WAIT)
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () -> {
              JsonNode i = instance(api, NAME);
              assertThat(i.get("state").asText()).isEqualTo("running");
              assertThat(i.get("health_status").asText()).isEqualTo("healthy");
              long now = i.get("data_plane").path("pid").asLong();
              assertThat(now).isNotEqualTo(before).isPositive();
              pid.set(now);
            });
    return pid.get();
  }

  /** Appends settings to postgresql.auto.conf, which the server reads last (later lines win). */
  static void appendSettings(Path dataDir, String... lines) throws IOException {
    Files.writeString(
        dataDir.resolve("postgresql.auto.conf"),
        "\n" + String.join("\n", lines) + "\n",
        StandardOpenOption.APPEND);
  }

  /** Writes about 25 MB of rows (1 kB each, too small to be compressed): a 16 MB segment fills. */
  static void fillASegment(int port) throws SQLException {
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", PASSWORD);
        Statement st = c.createStatement()) {
      st.execute(
          "CREATE TABLE filler AS SELECT g, repeat('x', 1000) AS pad"
              + " FROM generate_series(1, 25000) g");
    }
  }

  /** Makes the server (started by this test's control plane) re-read its configuration. */
  private static boolean sighup(long pid) throws IOException, InterruptedException {
    assertThat(pid).isGreaterThan(1);
    Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(pid)).start();
    kill.getInputStream().close();
    if (!kill.waitFor(10, TimeUnit.SECONDS)) {
      kill.destroyForcibly();
      return false;
    }
    return kill.exitValue() == 0;
  }

  /** The instance's value of a per-instance gauge on /metrics (fails while it is absent). */
  private static double metric(TestHttpClient api, String name) {
    String text = api.get("/metrics").raw();
    Matcher m =
        Pattern.compile("(?m)^" + name + "\\{[^}]*name=\"" + NAME + "\"[^}]*\\}\\s+(\\S+)$")
            .matcher(text);
    assertThat(m.find()).as(name + " for " + NAME + " in /metrics").isTrue();
    return Double.parseDouble(m.group(1));
  }
}
