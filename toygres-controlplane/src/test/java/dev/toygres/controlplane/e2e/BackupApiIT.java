package dev.toygres.controlplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toygres.controlplane.testkit.TestServer;
import dev.toygres.testkit.TestHttpClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Backups and point-in-time restore through the HTTP API of a real server, with real instance
 * servers (docs/backups.md): the scenario (restore to a time gives 200 rows, to the LSN
 * before the drop 300), a restore from a deleted instance, a corrupted backup found by verification
 * and a restore from it refused, bad restore requests refused with 400 and nothing created, and the
 * delete of a backup the retained window needs refused unless forced.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackupApiIT {
  private static final Duration WAIT = Duration.ofMinutes(3);
  private static final String PASSWORD = "backup-secret-1";
  private static TestServer server;
  private static TestHttpClient api;
  private static String firstBackup;
  private static Instant noted;
  private static String lsnBeforeDrop;
  private static BackupSteps steps;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start("backups", 46432);
    api = server.api();
    steps = new BackupSteps(api, PASSWORD);
    create("src", null);
    awaitRunning("src");
  }

  @AfterAll
  static void stop() {
    if (server == null) {
      return;
    }
    try {
      for (JsonNode i : api.get("/api/instances").body()) {
        api.delete("/api/instances/" + i.get("name").asText() + "?backups=delete");
      }
      await().atMost(WAIT).until(() -> api.get("/api/instances").body().size() == 0);
    } finally {
      server.close();
    }
  }

  private static void assertRefused(TestHttpClient.Response r, String name, String message) {
    assertThat(r.status()).as(r.raw()).isEqualTo(400);
    assertThat(r.error()).contains(message);
    assertThat(api.get("/api/instances/" + name).status()).isEqualTo(404);
  }

  private static TestHttpClient.Response create(String name, Map<String, Object> restore) {
    return steps.create(name, restore);
  }

  private static void awaitRunning(String name) {
    steps.awaitRunning(name);
  }

  private static void sql(String name, String... statements) throws SQLException {
    steps.sql(name, statements);
  }

  private static String one(String name, String query) throws SQLException {
    return steps.one(name, query);
  }

  private static JsonNode backupNow(String name) {
    return steps.backupNow(name);
  }

  @Test
  @Order(1)
  void badRestoreRequestsAreRefusedWithAClearErrorAndCreateNothing() {
    assertRefused(create("r-bad", Map.of("from", "nosuch")), "r-bad", "no backup with id 'nosuch'");
    assertRefused(
        create("r-bad", Map.of("from", "src", "to_time", "2026-01-01T00:00:00Z", "to_lsn", "0/1")),
        "r-bad",
        "not both");
    assertRefused(
        create("r-bad", Map.of("from", "src", "to_time", "yesterday")), "r-bad", "RFC 3339");
    assertRefused(create("r-bad", Map.of("from", "src", "to_lsn", "12")), "r-bad", "an LSN");
    assertRefused(create("r-bad", Map.of("from", "src")), "r-bad", "no completed, verified backup");
    assertThat(api.get("/api/backups/backup-nosuch-1").status()).isEqualTo(404);
    assertThat(api.delete("/api/backups/backup-nosuch-1").status()).isEqualTo(404);
    assertThat(api.post("/api/instances/nosuch/backups", null).status()).isEqualTo(404);
    assertThat(api.delete("/api/instances/src?backups=maybe").status()).isEqualTo(400);
    assertThat(api.get("/api/backups/Not_An_Id").status()).isEqualTo(400);
    assertThat(api.delete("/api/backups/backup-nosuch-1?force=maybe").status()).isEqualTo(400);
    assertThat(api.get("/api/backups?instance=nosuch").body()).isEmpty();
    TestHttpClient.Response version =
        api.post(
            "/api/instances",
            Map.of(
                "name",
                "r-bad",
                "password",
                PASSWORD,
                "postgres_version",
                "1",
                "restore",
                Map.of("from", "nosuch")));
    assertRefused(version, "r-bad", "no backup with id 'nosuch'");
  }

  @Test
  @Order(2)
  void aPolicyIsShownWithTheInstanceAndCanBeChanged() {
    TestHttpClient.Response bad =
        api.send("PUT", "/api/instances/src/backup-policy", Map.of("every", "1x"));
    assertThat(bad.status()).as(bad.raw()).isEqualTo(400);

    TestHttpClient.Response set =
        api.send(
            "PUT", "/api/instances/src/backup-policy", Map.of("every", "12h", "retention", "3d"));
    assertThat(set.status()).as(set.raw()).isEqualTo(200);
    assertThat(set.body().get("schedule").asText()).isEqualTo("12h");

    JsonNode policy = api.get("/api/instances/src").body().get("backups").get("policy");
    assertThat(policy.get("schedule").asText()).isEqualTo("12h");
    assertThat(policy.get("retention").asText()).isEqualTo("3d");
    api.send("PUT", "/api/instances/src/backup-policy", Map.of("every", "1d", "retention", "7d"));
  }

  @Test
  @Order(3)
  void aBackupIsTakenVerifiedAndListed() throws Exception {
    sql("src", "CREATE TABLE t (n int)", "INSERT INTO t SELECT generate_series(1, 100)");

    JsonNode b = backupNow("src");

    assertThat(b.get("status").asText()).as(b.toString()).isEqualTo("completed");
    assertThat(b.get("verified").asBoolean()).isTrue();
    assertThat(b.get("instance_name").asText()).isEqualTo("src");
    assertThat(b.get("size_bytes").asLong()).isPositive();
    assertThat(b.get("start_lsn").asText()).matches("[0-9A-F]+/[0-9A-F]+");
    assertThat(b.get("end_lsn").asText()).matches("[0-9A-F]+/[0-9A-F]+");
    assertThat(b.get("finished_at").isNull()).isFalse();
    firstBackup = b.get("id").asText();
    assertThat(api.get("/api/backups?instance=src").body())
        .extracting(x -> x.get("id").asText())
        .containsExactly(firstBackup);
    JsonNode window = api.get("/api/instances/src").body().get("backups");
    assertThat(window.get("earliest_restorable").asText()).isEqualTo(b.get("finished_at").asText());
    assertThat(api.get("/api/instances/src/events").raw())
        .contains("backup_started")
        .contains("backup_completed");
  }

  @Test
  @Order(4)
  void restoringToTheNotedTimeGives200RowsAndToTheLsnBeforeTheDrop300() throws Exception {
    sql("src", "INSERT INTO t SELECT generate_series(101, 200)");
    Thread.sleep(100);
    noted =
        Instant.parse(
            one(
                "src",
                "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"));
    Thread.sleep(100);
    sql("src", "INSERT INTO t SELECT generate_series(201, 300)");
    lsnBeforeDrop = one("src", "SELECT pg_current_wal_insert_lsn()::text");
    sql("src", "DROP TABLE t");

    TestHttpClient.Response atTime =
        create("at-time", Map.of("from", "src", "to_time", noted.toString()));
    assertThat(atTime.status()).as(atTime.raw()).isEqualTo(202);
    awaitRunning("at-time");
    assertThat(one("at-time", "SELECT count(*) FROM t")).isEqualTo("200");
    assertThat(api.get("/api/instances/at-time/events").raw())
        .contains("restore_started")
        .contains("restore_completed");

    TestHttpClient.Response atLsn =
        create("at-lsn", Map.of("from", "src", "to_lsn", lsnBeforeDrop));
    assertThat(atLsn.status()).as(atLsn.raw()).isEqualTo(202);
    awaitRunning("at-lsn");
    assertThat(one("at-lsn", "SELECT count(*) FROM t")).isEqualTo("300");
  }

  @Test
  @Order(5)
  void targetsOutsideTheRestoreWindowAreRefused() {
    JsonNode b = api.get("/api/backups/" + firstBackup).body();
    Instant before = Instant.parse(b.get("finished_at").asText()).minusSeconds(3600);
    assertRefused(
        create("r-bad", Map.of("from", "src", "to_time", before.toString())),
        "r-bad",
        "before the earliest restorable point");
    assertRefused(
        create(
            "r-bad",
            Map.of("from", "src", "to_time", Instant.now().plus(Duration.ofHours(1)).toString())),
        "r-bad",
        "after the latest restorable point");
    assertRefused(
        create("r-bad", Map.of("from", "src", "to_lsn", "0/1")),
        "r-bad",
        "before the earliest restorable point");
  }

  @Test
  @Order(6)
  void anInstanceDeletedAfterItsBackupCanBeRestored() throws Exception {
    create("gone", null);
    awaitRunning("gone");
    sql("gone", "CREATE TABLE g (n int)", "INSERT INTO g SELECT generate_series(1, 50)");
    JsonNode b = backupNow("gone");
    assertThat(b.get("status").asText()).as(b.toString()).isEqualTo("completed");
    assertThat(api.delete("/api/instances/gone").status()).isEqualTo(202);
    await().atMost(WAIT).until(() -> api.get("/api/instances/gone").status() == 404);
    assertThat(api.get("/api/backups?instance=gone").body()).hasSize(1);

    TestHttpClient.Response r = create("from-gone", Map.of("from", "gone"));
    assertThat(r.status()).as(r.raw()).isEqualTo(202);
    awaitRunning("from-gone");
    assertThat(one("from-gone", "SELECT count(*) FROM g")).isEqualTo("50");

    TestHttpClient.Response byId = create("by-id", Map.of("from", b.get("id").asText()));
    assertThat(byId.status()).as(byId.raw()).isEqualTo(202);
    awaitRunning("by-id");
    assertThat(one("by-id", "SELECT count(*) FROM g")).isEqualTo("50");
  }

  @Test
  @Order(7)
  void aCorruptedBackupIsFoundByVerificationAndARestoreFromItIsRefused() throws Exception {
    JsonNode b = backupNow("src");
    assertThat(b.get("verified").asBoolean()).as(b.toString()).isTrue();
    String id = b.get("id").asText();
    String k8s = api.get("/api/instances/src").body().get("k8s_name").asText();
    Path files =
        server.dataDir().resolve("backups/instances").resolve(k8s).resolve("base").resolve(id);
    flipAByte(files);

    TestHttpClient.Response r = create("r-corrupt", Map.of("from", id));

    assertRefused(r, "r-corrupt", "failed verification");
    JsonNode after = api.get("/api/backups/" + id).body();
    assertThat(after.get("verified").asBoolean()).isFalse();
    assertThat(after.get("verify_error").asText()).isNotBlank();
  }

  @Test
  @Order(8)
  void theBaseOfTheRetainedWindowIsOnlyDeletedWhenForced() {
    TestHttpClient.Response refused = api.delete("/api/backups/" + firstBackup);
    assertThat(refused.status()).as(refused.raw()).isEqualTo(409);
    assertThat(refused.error()).contains("base of the restore window");

    TestHttpClient.Response forced = api.delete("/api/backups/" + firstBackup + "?force=true");
    assertThat(forced.status()).as(forced.raw()).isEqualTo(204);
    assertThat(api.get("/api/backups/" + firstBackup).status()).isEqualTo(404);
    assertThat(api.get("/api/instances/src/events").raw()).contains("backup_deleted");
  }

  /** Flips one byte of the largest file of the backup (its data, not its manifest). */
  private static void flipAByte(Path backup) throws IOException {
    Path target;
    try (Stream<Path> s = Files.walk(backup.resolve("data"))) {
      Optional<Path> largest =
          s.filter(Files::isRegularFile)
              .max(
                  (a, c) -> {
                    try {
                      return Long.compare(Files.size(a), Files.size(c));
                    } catch (IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  });
      target = largest.orElseThrow(() -> new AssertionError("no files under " + backup));
    }
    try (var ch =
        java.nio.channels.FileChannel.open(
            target, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
      long at = Files.size(target) / 2;
      ch.read(one, at);
      one.flip();
      byte flipped = (byte) ~one.get(0);
      ch.write(java.nio.ByteBuffer.wrap(new byte[] {flipped}), at);
    }
  }
}
