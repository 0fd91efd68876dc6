package dev.toygres.postgres.internal;

import dev.toygres.postgres.PostgresInstallation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Identifies a bin directory's PostgreSQL version by running {@code postgres --version} (allowed as
 * root).
 */
final class VersionProbe {

  private static final Pattern VERSION =
      Pattern.compile("\\(PostgreSQL\\)\\s+((\\d+)(?:\\.\\d+)*)");

  private VersionProbe() {}

  /**
   * The installation in {@code binDir}, or empty if it lacks initdb/postgres or cannot be
   * identified.
   */
  static Optional<PostgresInstallation> probe(Path binDir, PostgresInstallation.Source source) {
    Path postgres = binDir.resolve("postgres");
    if (!Files.isExecutable(postgres) || !Files.isExecutable(binDir.resolve("initdb"))) {
      return Optional.empty();
    }
    try {
      Exec.Result result =
          Exec.run(List.of(postgres.toString(), "--version"), Duration.ofSeconds(30));
      return result.ok()
          ? parse(result.output()).map(v -> new PostgresInstallation(major(v), v, binDir, source))
          : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Extracts "18.1" from output such as "postgres (PostgreSQL) 18.1 (Debian 18.1-1)". */
  static Optional<String> parse(String versionOutput) {
    Matcher m = VERSION.matcher(versionOutput);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /** The major version of a version string: "18.1" gives 18, "9.6.24" gives 9. */
  static int major(String version) {
    return Integer.parseInt(version.split("\\.")[0]);
  }
}
