package dev.toygres.postgres.internal;

import dev.toygres.postgres.PostgresException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short-lived command with a clean environment and captures its combined output (through a
 * temp file, so it can never block).
 */
final class Exec {

  /** Exit code and combined stdout/stderr of a finished command. */
  record Result(int exitCode, String output) {
    boolean ok() {
      return exitCode == 0;
    }
  }

  private Exec() {}

  /**
   * Runs {@code command}; throws IOException if it cannot be started, PostgresException if it times
   * out.
   */
  static Result run(List<String> command, Duration timeout) throws IOException {
    Path out = Files.createTempFile("toygres-exec-", ".out");
    try {
      Process process =
          ChildProcess.builder(command)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      boolean finished;
      try {
        finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new PostgresException("Interrupted while running " + command, e);
      }
      if (!finished) {
        process.destroyForcibly();
        throw new PostgresException(
            "Command did not finish within "
                + timeout
                + ": "
                + command
                + "\n"
                + Files.readString(out, StandardCharsets.UTF_8));
      }
      return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
