package dev.toygres.controlplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliErrorsTest {
  @TempDir Path dataDir;

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void unreachableServerIsNamedWithAHint() throws IOException {
    String url = "http://127.0.0.1:" + closedPort();

    CliRun run = CliRun.of("list", "--server", url, "--token", "t");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.err())
        .startsWith("error: cannot reach the Toygres server at " + url + ": ")
        .contains("is it running? (./toygres server)");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void missingTokenFailsBeforeAnyRequest() throws IOException {
    CliRun run =
        CliRun.of(
            "get",
            "alpha",
            "--server",
            "http://127.0.0.1:" + closedPort(),
            "--data-dir",
            dataDir.toString());

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.err()).startsWith("error: no admin token: set TOYGRES_TOKEN or pass --token");
  }

  @Test
  void createWithoutAnyPasswordSourceNamesTheThreeWaysBeforeAnyRequest() throws IOException {
    CliRun run =
        CliRun.of(
            "create", "alpha", "--server", "http://127.0.0.1:" + closedPort(), "--token", "t");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.err().strip()).isEqualTo("error: " + PasswordInput.NONE);
  }

  @Test
  void aPasswordOnTheCommandLineIsRefusedWithTheReasonAndTheAlternatives() throws IOException {
    for (String command : new String[] {"create", "password"}) {
      CliRun run =
          CliRun.of(
              command,
              "alpha",
              "--password",
              "visible-in-ps",
              "--server",
              "http://127.0.0.1:" + closedPort(),
              "--token",
              "t");

      assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
      assertThat(run.err())
          .startsWith(PasswordOptions.REFUSED)
          .contains("(ps)", "shell history", "--password-stdin", "TOYGRES_PASSWORD", "terminal")
          .doesNotContain("visible-in-ps")
          .doesNotContain("cannot reach");
    }
  }

  @Test
  void passwordWithoutAnyPasswordSourceFailsBeforeAnyRequest() throws IOException {
    CliRun run =
        CliRun.of(
            "password", "alpha", "--server", "http://127.0.0.1:" + closedPort(), "--token", "t");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.err().strip()).isEqualTo("error: " + PasswordInput.NONE);
  }

  @Test
  void anEmptyStandardInputIsRefusedBeforeAnyRequest() throws IOException {
    CliRun run =
        CliRun.withInput(
            "",
            "password",
            "alpha",
            "--password-stdin",
            "--server",
            "http://127.0.0.1:" + closedPort(),
            "--token",
            "t");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.err()).startsWith("error: --password-stdin: standard input is empty");
  }

  @Test
  void invalidJsonDataIsRefusedBeforeAnyRequest() throws IOException {
    CliRun run =
        CliRun.of(
            "orchestrations",
            "raise",
            "id-1",
            "go",
            "{broken",
            "--server",
            "http://127.0.0.1:" + closedPort(),
            "--token",
            "t");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.err()).contains("DATA looks like JSON but is not valid JSON");
  }

  @Test
  void usageErrorsExitWithTwo() {
    assertThat(CliRun.of("get").exitCode()).isEqualTo(2);
    assertThat(CliRun.of("actor").exitCode()).isEqualTo(2);
    assertThat(CliRun.of("delete", "x", "--timeout", "soon").err()).contains("invalid duration");
    assertThat(CliRun.of("create", "x", "--storage-gb", "many").exitCode()).isEqualTo(2);
  }

  @Test
  void everyClientCommandHasHelp() {
    for (String[] cmd :
        new String[][] {
          {"create", "--help"},
          {"password", "--help"},
          {"list", "-h"},
          {"actor", "restart", "--help"},
          {"orchestrations", "history", "--help"}
        }) {
      CliRun run = CliRun.of(cmd);
      assertThat(run.exitCode()).as(run.toString()).isZero();
      assertThat(run.out()).contains("--server=URL").contains("--json");
    }
    assertThat(CliRun.of("create", "--help").out())
        .contains("--password-stdin")
        .doesNotContain("--password=");
  }
}
