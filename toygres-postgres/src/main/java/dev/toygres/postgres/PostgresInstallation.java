package dev.toygres.postgres;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One set of PostgreSQL server binaries (a directory holding {@code initdb} and {@code postgres}).
 *
 * @param majorVersion the PostgreSQL major version, for example 18
 * @param version the full version as reported by {@code postgres --version}, for example "18.1"
 * @param binDir the absolute directory containing {@code initdb} and {@code postgres}
 * @param source where the binaries come from
 */
public record PostgresInstallation(int majorVersion, String version, Path binDir, Source source) {

  /** Where an installation comes from. */
  public enum Source {
    /** Delivered through Maven and extracted into the local binary cache. */
    MAVEN,
    /** Installed on the system, for example by the operating system's package manager. */
    SYSTEM
  }

  /** Validates the components; {@code binDir} is made absolute. */
  public PostgresInstallation {
    if (majorVersion <= 0) {
      throw new IllegalArgumentException("majorVersion must be positive: " + majorVersion);
    }
    Objects.requireNonNull(version, "version");
    binDir = Objects.requireNonNull(binDir, "binDir").toAbsolutePath().normalize();
    Objects.requireNonNull(source, "source");
  }

  /**
   * Returns the path of a program in {@link #binDir()}.
   *
   * @param program the program name, for example "initdb"
   * @return the program's path (which may not exist for programs other than initdb and postgres)
   */
  public Path executable(String program) {
    return binDir.resolve(program);
  }
}
