package dev.toygres.controlplane.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code --wait} and {@code --timeout} of the commands that start an orchestration. */
final class WaitOptions {
  @Option(
      names = "--wait",
      description = "Wait until the operation has finished, showing its progress on stderr.")
  boolean wait;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "5m",
      converter = DurationConverter.class,
      description = "How long --wait waits, e.g. 90s or 10m (default ${DEFAULT-VALUE}).")
  Duration timeout;
}
