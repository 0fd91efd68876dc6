package dev.toygres.postgres.internal;

import dev.toygres.postgres.PostgresException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Runs initdb for a data directory that has no PG_VERSION yet. */
final class InitDb {

  private static final Duration TIMEOUT = Duration.ofMinutes(3);

  private InitDb() {}

  /** Whether {@code dataDir} holds an initialized cluster. */
  static boolean isInitialized(Path dataDir) {
    return Files.isRegularFile(dataDir.resolve("PG_VERSION"));
  }

  /**
   * Initializes the data directory unless it already is: UTF8, C locale, the given superuser, and
   * scram-sha-256 authentication (host and local) when a password is set, else trust.
   */
  static void initIfNeeded(ServerSpec spec) throws IOException {
    if (isInitialized(spec.dataDir())) {
      return;
    }
    Files.createDirectories(spec.dataDir().getParent());
    List<String> command =
        new ArrayList<>(
            List.of(
                spec.binDir().resolve("initdb").toString(),
                "-D",
                spec.dataDir().toString(),
                "-U",
                spec.superuser(),
                "-E",
                "UTF8",
                "--no-locale"));
    Path pwfile = null;
    try {
      if (spec.password() == null) {
        command.addAll(List.of("-A", "trust"));
      } else {
        pwfile =
            Files.createTempFile(
                spec.dataDir().getParent(),
                ".pwfile-",
                "",
                PosixFilePermissions.asFileAttribute(FileAccess.OWNER_READ_WRITE));
        if (spec.runAs() != null) {
          FileAccess.chown(pwfile, spec.runAs()); // initdb reads it as that user
        }
        Files.writeString(pwfile, spec.password() + "\n", StandardCharsets.UTF_8);
        command.addAll(List.of("-A", "scram-sha-256", "--pwfile=" + pwfile));
      }
      Exec.Result result = Exec.run(RunAs.wrap(spec, command), TIMEOUT);
      if (!result.ok()) {
        throw new PostgresException(
            "initdb failed with exit code "
                + result.exitCode()
                + " for "
                + spec.dataDir()
                + ":\n"
                + result.output().strip());
      }
    } finally {
      if (pwfile != null) {
        Files.deleteIfExists(pwfile);
      }
    }
  }
}
