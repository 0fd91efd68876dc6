package dev.toygres.controlplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code toygres server} refusing its flags in this JVM, before anything is started: exit code 78
 * and one {@code error:} line, with no URL or password in it.
 */
class ServerFlagsTest {
  @TempDir Path dataDir;

  private CliRun server(String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "server";
    all[1] = "--data-dir";
    all[2] = dataDir.resolve("data").toString();
    System.arraycopy(args, 0, all, 3, args.length);
    return CliRun.of(all);
  }

  private static void assertRefused(CliRun run, String error) {
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(78);
    assertThat(run.err().strip())
        .as(run.toString())
        .startsWith("error: " + error)
        .doesNotContain("\n");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void flagsThatCannotBeReadAreAConfigurationErrorNotAUsageError() {
    assertRefused(server("--port", "eighty"), "Invalid value for option '--port'");
    assertRefused(server("--no-such-flag"), "Unknown option: '--no-such-flag'");
    assertRefused(server("--health-interval", "0s"), "--health-interval must be a positive");
    assertRefused(server("--instance-ports", "lots"), "--instance-ports must look like");
    assertRefused(
        server("--backup-check-interval", "0s"), "--backup-check-interval must be a positive");
  }

  @Test
  void orchestrationDispatchersOutsideOneToTwelveAreRefused() {
    assertRefused(
        server("--orchestration-dispatchers", "0"),
        "--orchestration-dispatchers must be between 1 and 12, was 0");
    assertRefused(
        server("--orchestration-dispatchers", "13"),
        "--orchestration-dispatchers must be between 1 and 12, was 13");
    assertRefused(
        server("--orchestration-dispatchers", "two"),
        "Invalid value for option '--orchestration-dispatchers'");
  }

  @Test
  void aPasswordInTheDatabaseUrlFlagIsRefusedInEitherFormWithoutEchoingIt() {
    for (String url :
        new String[] {
          "postgresql://u:hunter2@127.0.0.1:1/x", "jdbc:postgresql://127.0.0.1:1/x?password=hunter2"
        }) {
      CliRun run = server("--database-url", url);

      assertRefused(run, "--database-url must not carry a password");
      assertThat(run.err()).doesNotContain("hunter2").doesNotContain("127.0.0.1");
    }
  }

  @Test
  void theUrlFlagAndTheUrlFileTogetherAreRefused() throws IOException {
    Path file = Files.writeString(dataDir.resolve("url"), "postgresql://u:pw@127.0.0.1:1/x\n");

    assertRefused(
        server(
            "--database-url", "postgresql://127.0.0.1:1/x", "--database-url-file", file.toString()),
        "--database-url and --database-url-file are both given");
  }

  @Test
  void aMissingUrlFileOrAMalformedUrlIsNamedWithoutItsContent() throws IOException {
    Path missing = dataDir.resolve("missing.url");
    assertRefused(
        server("--database-url-file", missing.toString()),
        "--database-url-file: " + missing + " does not exist");

    Path bad = Files.writeString(dataDir.resolve("bad.url"), "mysql://u:hunter2@db/x\n");
    Files.setPosixFilePermissions(bad, PosixFilePermissions.fromString("rw-------"));
    CliRun run = server("--database-url-file", bad.toString());
    assertRefused(run, "the database URL from " + bad + " is not valid");
    assertThat(run.err()).doesNotContain("hunter2");
  }
}
