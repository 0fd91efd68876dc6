package dev.toygres.controlplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toygres.controlplane.testkit.TestServer;
import dev.toygres.testkit.TestHttpClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The backup scheduler on a real server: a new instance gets its first scheduled backup at the
 * first round after it runs, and later rounds do not start it again (the next is a day later).
 */
class BackupScheduleIT {
  private static final Duration WAIT = Duration.ofMinutes(2);
  private static final Duration EVERY = Duration.ofSeconds(2);

  @Test
  void aNewInstanceGetsOneScheduledBackupAndTheNextIsDueOneScheduleLater() throws Exception {
    try (TestServer server =
        TestServer.start(
            "backup-schedule",
            48432,
            TestServer.Settings.defaults().withBackupCheckInterval(EVERY))) {
      TestHttpClient api = server.api();
      try {
        assertThat(
                api.post("/api/instances", Map.of("name", "sched", "password", "sched-secret"))
                    .status())
            .isEqualTo(202);
        await().atMost(WAIT).until(() -> api.get("/api/backups?instance=sched").body().size() == 1);
        JsonNode b = api.get("/api/backups?instance=sched").body().get(0);
        assertThat(b.get("kind").asText()).isEqualTo("scheduled");
        assertThat(b.get("id").asText()).startsWith("backup-sched-");

        // Several more rounds: none starts it again.
        JsonNode scheduler = api.get("/api/orchestrations/toygres-backup-scheduler").body();
        int rounds = scheduler.get("execution_id").asInt();
        await()
            .atMost(WAIT)
            .until(
                () ->
                    api.get("/api/orchestrations/toygres-backup-scheduler")
                            .body()
                            .get("execution_id")
                            .asInt()
                        >= rounds + 3);
        assertThat(api.get("/api/backups?instance=sched").body()).hasSize(1);
        JsonNode policy = api.get("/api/instances/sched").body().get("backups").get("policy");
        assertThat(policy.get("schedule").asText()).isEqualTo("1d");
        assertThat(policy.get("next_backup_at").isNull()).isFalse();
      } finally {
        api.delete("/api/instances/sched?backups=delete");
        await().atMost(WAIT).until(() -> api.get("/api/instances").body().size() == 0);
      }
    }
  }
}
