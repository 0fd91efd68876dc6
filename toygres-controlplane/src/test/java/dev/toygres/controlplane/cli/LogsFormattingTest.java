package dev.toygres.controlplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class LogsFormattingTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void oneServersLinesArePrintedAsTheyAre() throws Exception {
    String answer =
        """
        {"instance": "db", "cursor": "0-10", "members": [
          {"member": "db-abc", "role": "primary", "ordinal": 0, "lines": ["one", "two"]}]}""";

    assertThat(LogsCommand.render(JSON.readTree(answer))).isEqualTo("one\ntwo\n");
  }

  @Test
  void withStandbysEachLineIsPrefixedByItsServer() throws Exception {
    String answer =
        """
        {"instance": "db", "cursor": "0-10.1-4", "members": [
          {"member": "db-abc", "role": "primary", "ordinal": 0, "lines": ["p1"]},
          {"member": "db-abc-s1", "role": "standby", "ordinal": 1, "lines": ["s1", "s2"]}]}""";

    assertThat(LogsCommand.render(JSON.readTree(answer)))
        .isEqualTo(
            "db-abc (primary) | p1\n"
                + "db-abc-s1 (standby) | s1\n"
                + "db-abc-s1 (standby) | s2\n");
  }

  @Test
  void aTailOutOfRangeIsRefusedBeforeAskingTheServer() {
    CliRun run = CliRun.of("logs", "db", "--tail", "0", "--server", "http://127.0.0.1:1");

    assertThat(run.exitCode()).as(run.toString()).isNotZero();
    assertThat(run.err()).contains("--tail must be between 1 and 10000");
  }
}
