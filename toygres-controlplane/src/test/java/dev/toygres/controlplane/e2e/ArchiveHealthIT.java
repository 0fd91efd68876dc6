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
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * <p>Every instance archives into the backup store (docs/backups.md#continuous-archiving). The test
 * makes the instance's archive directory unwritable for the server's OS user (mode 000), as a full
 * or read-only mount would, writes about 25 MB of rows as the tenant (who cannot call {@code
 * pg_switch_wal()}) so that a WAL segment is finished and its archiving fails, then makes the
 * directory writable again and wakes the archiver with a SIGHUP to the server's pid (from the API).
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
    JsonNode before =
        awaitArchive(
            api,
            CREATE_WAIT,
            a -> a.hasNonNull("checked_at") && !"failing".equals(a.path("status").asText()));
    assertThat(before.get("failed_count").asLong()).as(before.toString()).isZero();

    // The archive becomes unwritable for the server's OS user, as a full or read-only mount would.
    JsonNode i = instance(api, NAME);
    Path wal = walDir(server, i);
    long pid = i.get("data_plane").get("pid").asLong();
    int port = i.get("data_plane").get("port").asInt();
    Set<PosixFilePermission> writable = Files.getPosixFilePermissions(wal);
    Files.setPosixFilePermissions(wal, PosixFilePermissions.fromString("---------"));
    JsonNode failing;
    long failingMs;
    try {
      long written = System.nanoTime();
      fillASegment(port);
      failing =
          awaitArchive(
              api,
              WAIT,
              a ->
                  "failing".equals(a.path("status").asText())
                      && a.path("failed_count").asLong() > 0);
      failingMs = (System.nanoTime() - written) / 1_000_000;
    } finally {
      Files.setPosixFilePermissions(wal, writable);
    }
    String failedWal = failing.get("last_failed_wal").asText();
    assertThat(failedWal).matches(SEGMENT);
    assertThat(failing.get("last_failed_at").isNull()).isFalse();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(metric(api, "toygres_instance_archive_failures")).isPositive());
    assertThat(instance(api, NAME).get("actor").get("reason").asText())
        .contains("WAL archive failing");

    // Writable again: a SIGHUP wakes the archiver at once (else it tries again within a minute).
    long reloaded = System.nanoTime();
    assertThat(sighup(pid)).isTrue();
    JsonNode ok;
    try {
      ok =
          awaitArchive(
              api,
              WAIT,
              a ->
                  "ok".equals(a.path("status").asText())
                      && SEGMENT.matcher(a.path("last_archived_wal").asText()).matches()
                      && a.path("last_archived_wal").asText().compareTo(failedWal) >= 0
                      && a.path("lag_segments").asLong(-1) == 0);
    } catch (AssertionError | RuntimeException e) {
      Path log =
          Path.of(i.get("data_plane").get("data_dir").asText()).resolveSibling("postgres.log");
      List<String> lines = Files.readAllLines(log);
      throw new AssertionError(
          "the archive did not recover; the server's log ends with:\n"
              + String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()))
              + "\nthe archive holds: "
              + Files.list(wal).map(p -> p.getFileName().toString()).sorted().toList(),
          e);
    }
    assertThat(wal.resolve(failedWal)).isRegularFile();
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

  /** Writes about 25 MB of rows (1 kB each, too small to be compressed): a 16 MB segment fills. */
  /** The instance's archive directory in the test server's backup store. */
  static Path walDir(TestServer server, JsonNode instance) {
    Path wal =
        server
            .dataDir()
            .resolve("backups/instances/" + instance.get("k8s_name").asText() + "/wal")
            .toAbsolutePath();
    assertThat(wal).isDirectory();
    return wal;
  }

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
