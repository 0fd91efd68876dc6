package dev.toygres.controlplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code toygres server --log-format} refused in this JVM, before anything is started. */
class LogFormatFlagTest {
  @TempDir Path dataDir;

  @Test
  void aLogFormatOtherThanTextOrJsonIsAConfigurationErrorAndNothingIsWritten() {
    CliRun run =
        CliRun.of(
            "server", "--data-dir", dataDir.resolve("data").toString(), "--log-format", "xml");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(78);
    assertThat(run.err().strip())
        .isEqualTo("error: --log-format (TOYGRES_LOG_FORMAT) must be text or json, was 'xml'");
    assertThat(dataDir.resolve("data")).doesNotExist();
  }
}
