package dev.toygres.controlplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
}
