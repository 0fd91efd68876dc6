package dev.toygres.controlplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toygres.controlplane.testkit.LongWait;
import dev.toygres.controlplane.testkit.TestServer;
import dev.toygres.testkit.TestHttpClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Retention on a real server, applied by the backup scheduler (docs/backups.md#schedules-and-
 * retention): with a 1m retention and three backups, once the newest has aged past the retention
 * the two older ones are removed (catalogue and files) with the archived WAL only they needed; the
 * WAL from the oldest kept backup's start segment on stays, so a restore from it replays every
 * write made since, up to the latest.
 */
@LongWait
class BackupRetentionIT {
  private static final String PASSWORD = "retention-secret-1";
  private static final Pattern SEGMENT = Pattern.compile("[0-9A-F]{24}");
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void retentionRemovesOldBackupsAndTheirWalButKeepsWhatTheOldestKeptBackupNeeds()
      throws Exception {
    try (TestServer server =
        TestServer.start(
            "backup-retention",
            49432,
            TestServer.Settings.defaults().withBackupCheckInterval(Duration.ofSeconds(2)))) {
      TestHttpClient api = server.api();
      BackupSteps steps = new BackupSteps(api, PASSWORD);
      try {
        assertThat(steps.create("keep", null).status()).isEqualTo(202);
        steps.awaitRunning("keep");
        String k8s = api.get("/api/instances/keep").body().get("k8s_name").asText();
        Path store = server.dataDir().resolve("backups/instances").resolve(k8s);
        // The scheduler's first backup of a new instance comes at once; wait for it to end.
        await()
            .atMost(BackupSteps.WAIT)
            .until(
                () -> {
                  JsonNode l = api.get("/api/backups?instance=keep").body();
                  return l.size() == 1 && "completed".equals(l.get(0).get("status").asText());
                });
        String first = api.get("/api/backups?instance=keep").body().get(0).get("id").asText();
        TestHttpClient.Response policy =
            api.send("PUT", "/api/instances/keep/backup-policy", Map.of("retention", "1m"));
        assertThat(policy.status()).as(policy.raw()).isEqualTo(200);

        steps.sql("keep", "CREATE TABLE t (n int)", "INSERT INTO t SELECT generate_series(1, 100)");
        String second = completed(steps.backupNow("keep"));
        steps.sql("keep", "INSERT INTO t SELECT generate_series(101, 200)");
        String third = completed(steps.backupNow("keep"));
        steps.sql("keep", "INSERT INTO t SELECT generate_series(201, 300)");
        String firstStart = startWalFile(store, first);
        String thirdStart = startWalFile(store, third);
        assertThat(thirdStart).isGreaterThan(firstStart);
        assertThat(segments(store)).contains(firstStart);

        // Once the newest has ended more than 1m ago it is the base of the window: the others go.
        await()
            .atMost(Duration.ofMinutes(3))
            .pollInterval(Duration.ofSeconds(1))
            .until(
                () ->
                    api.get("/api/backups?instance=keep").body().findValuesAsText("id").size()
                        == 1);

        assertThat(api.get("/api/backups?instance=keep").body().findValuesAsText("id"))
            .containsExactly(third);
        for (String gone : List.of(first, second)) {
          assertThat(api.get("/api/backups/" + gone).status()).as(gone).isEqualTo(404);
          assertThat(store.resolve("base").resolve(gone)).doesNotExist();
        }
        assertThat(api.get("/api/instances/keep/events").raw()).contains("removed by retention");
        List<String> kept = segments(store);
        assertThat(kept)
            .as("archived WAL older than the oldest kept backup is pruned")
            .allMatch(s -> s.substring(8).compareTo(thirdStart.substring(8)) >= 0)
            .contains(thirdStart)
            .doesNotContain(firstStart);

        // The oldest kept backup still restores, replaying the archive to the latest write.
        TestHttpClient.Response r = steps.create("keep-r", Map.of("from", third));
        assertThat(r.status()).as(r.raw()).isEqualTo(202);
        steps.awaitRunning("keep-r");
        assertThat(steps.one("keep-r", "SELECT count(*) FROM t")).isEqualTo("300");
        // A removed backup is no longer a restore source.
        TestHttpClient.Response refused = steps.create("keep-old", Map.of("from", first));
        assertThat(refused.status()).as(refused.raw()).isEqualTo(400);
      } finally {
        for (JsonNode i : api.get("/api/instances").body()) {
          api.delete("/api/instances/" + i.get("name").asText() + "?backups=delete");
        }
        await().atMost(BackupSteps.WAIT).until(() -> api.get("/api/instances").body().size() == 0);
      }
    }
  }

  private static String completed(JsonNode backup) {
    assertThat(backup.get("status").asText()).as(backup.toString()).isEqualTo("completed");
    return backup.get("id").asText();
  }

  private static String startWalFile(Path store, String backup) throws IOException {
    Path manifest = store.resolve("base").resolve(backup).resolve("manifest.json");
    return JSON.readTree(manifest.toFile()).get("startWalFile").asText();
  }

  /** The archived WAL segments (not partial, backup history or timeline files), sorted. */
  private static List<String> segments(Path store) throws IOException {
    try (Stream<Path> s = Files.list(store.resolve("wal"))) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> SEGMENT.matcher(n).matches())
          .sorted()
          .toList();
    }
  }
}
