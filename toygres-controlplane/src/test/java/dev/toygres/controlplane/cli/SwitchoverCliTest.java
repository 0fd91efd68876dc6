package dev.toygres.controlplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code toygres switchover NAME [--to MEMBER] [--wait]}: its arguments and its request body. */
class SwitchoverCliTest {
  private static String closedServer() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return "http://127.0.0.1:" + s.getLocalPort();
    }
  }

  @Test
  void withoutToTheRequestHasNoBodySoTheServerChoosesTheStandby() {
    assertThat(SwitchoverCommand.body(null)).isNull();
  }

  @Test
  void toIsSentAsAStringWhetherItIsANameOrAnOrdinal() throws IOException {
    assertThat(SwitchoverCommand.body("2")).isEqualTo(Map.of("to", "2"));
    assertThat(SwitchoverCommand.body(" shop-abc123-s1 "))
        .isEqualTo(Map.of("to", "shop-abc123-s1"));
    assertThat(ApiClient.MAPPER.writeValueAsString(SwitchoverCommand.body("1")))
        .isEqualTo("{\"to\":\"1\"}");
  }

  @Test
  void aBlankMemberIsAUsageErrorBeforeAnyRequest() throws IOException {
    CliRun run =
        CliRun.of("switchover", "shop", "--to", " ", "--server", closedServer(), "--token", "t");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.err()).contains("--to needs a member: a standby's name or its number");
    assertThat(run.err()).doesNotContain("cannot reach");
  }

  @Test
  void theInstanceNameIsRequired() throws IOException {
    CliRun run = CliRun.of("switchover", "--server", closedServer(), "--token", "t");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.err()).contains("Missing required parameter: 'NAME'");
  }

  @Test
  void aValidCommandSendsItsRequestToTheServer() throws IOException {
    String url = closedServer();
    CliRun run =
        CliRun.of("switchover", "shop", "--to", "1", "--wait", "--server", url, "--token", "t");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.err()).startsWith("error: cannot reach the Toygres server at " + url);
  }

  @Test
  void theHelpListsSwitchoverWithItsOptions() {
    CliRun run = CliRun.of("switchover", "--help");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).contains("--to=MEMBER", "--wait", "--timeout=DURATION");
  }
}
