package dev.toygres.postgres.internal;

import dev.toygres.postgres.PostgresException;
import java.io.IOException;
import java.io.InputStream;
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
    Process process = null;
    InputStream output;
    try {
      process =
          ChildProcess.builder(command)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      output = Files.newInputStream(out);
    } catch (IOException | RuntimeException e) {
      if (process != null) {
        process.destroyForcibly();
      }
      throw e;
    } finally {
      // The child and the stream hold the file open: unlinked now, it is gone whatever becomes of
      // this JVM (a SIGKILL would leave a file deleted only at the end of this method).
      Files.deleteIfExists(out);
    }
    try (output) {
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
                + new String(output.readAllBytes(), StandardCharsets.UTF_8));
      }
      return new Result(
          process.exitValue(), new String(output.readAllBytes(), StandardCharsets.UTF_8));
    }
  }
}
