package dev.toygres.controlplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MembersFormattingTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void getShowsAMembersTableOnlyWhenTheInstanceHasStandbys() throws Exception {
    JsonNode two =
        JSON.readTree(
            """
            [{"role":"primary","name":"shop-abc","host":"127.0.0.1","port":5433,"pid":11,
              "health":"healthy","lag_bytes":null,"lag_seconds":null,"timeline":1},
             {"role":"standby","name":"shop-abc-s1","host":"127.0.0.1","port":5434,"pid":12,
              "health":"healthy","lag_bytes":0,"lag_seconds":0.002,"timeline":1}]""");
    String table = GetCommand.members(two);
    assertThat(table).startsWith("\nmembers\n").contains("ROLE", "LAG", "TIMELINE");
    assertThat(table.lines().filter(l -> l.startsWith("standby")).findFirst().orElseThrow())
        .contains("shop-abc-s1", "127.0.0.1:5434", "12", "healthy", "0 B, 0.002 s", "1");
    assertThat(GetCommand.members(JSON.readTree("[" + two.get(0) + "]"))).isEmpty();
    assertThat(GetCommand.members(JSON.missingNode())).isEmpty();
  }

  @Test
  void theMultiHostStringGetsThePasswordBackLikeASingleHostOne() {
    assertThat(
            ConnectionStrings.withPassword(
                "postgresql://app:****@127.0.0.1:5433,127.0.0.1:5434/postgres"
                    + "?target_session_attrs=read-write",
                "p@ss word"))
        .isEqualTo(
            "postgresql://app:p%40ss%20word@127.0.0.1:5433,127.0.0.1:5434/postgres"
                + "?target_session_attrs=read-write");
  }

  @Test
  void getPrintsTheArchiveOnOneLineWithFailuresOnlyWhenThereWereAny() throws Exception {
    Instant now = Instant.parse("2026-11-30T10:00:00Z");
    JsonNode ok =
        JSON.readTree(
            """
            {"status":"ok","last_archived_wal":"000000010000000000000003",
             "last_archived_at":"2026-11-30T09:59:48Z","failed_count":0,"lag_segments":0}""");
    assertThat(GetCommand.archive(ok, now))
        .isEqualTo("ok; last 000000010000000000000003 (12s ago); lag 0 segments");
    JsonNode failing =
        JSON.readTree(
            """
            {"status":"failing","last_archived_wal":"000000010000000000000003",
             "last_archived_at":"2026-11-30T09:58:00Z","failed_count":3,"lag_segments":1,
             "last_failed_wal":"000000010000000000000004","last_failed_at":"2026-11-30T09:59:55Z"}""");
    assertThat(GetCommand.archive(failing, now))
        .isEqualTo(
            "failing; last 000000010000000000000003 (2m ago); lag 1 segment;"
                + " 3 failures, last 000000010000000000000004 (5s ago)");
    assertThat(GetCommand.archive(JSON.readTree("{\"status\":\"none\"}"), now)).isEqualTo("none");
    assertThat(GetCommand.archive(JSON.missingNode(), now)).isNull();
  }
}
