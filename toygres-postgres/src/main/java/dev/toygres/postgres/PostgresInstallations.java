package dev.toygres.postgres;

import dev.toygres.postgres.internal.MavenBinaries;
import dev.toygres.postgres.internal.SystemBinaries;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Finds PostgreSQL installations: the binaries delivered through Maven (PostgreSQL 18, the default,
 * and 17), extracted on first use into the binary cache, and system-installed ones ({@code
 * /usr/lib/postgresql/N/bin} and the bin directory reported by {@code pg_config} on the PATH).
 *
 * <p>The binary cache is {@code ${user.home}/.cache/toygres/postgres/<version>-<os>-<arch>} unless
 * the system property {@code toygres.postgres.cacheDir} or the environment variable {@code
 * TOYGRES_POSTGRES_CACHE_DIR} names another root. Nothing is downloaded at run time.
 */
public final class PostgresInstallations {

  private PostgresInstallations() {}

  /**
   * Lists every available installation: Maven-delivered ones first (newest first), then system ones
   * (newest first). Extracts the Maven-delivered binaries into the cache if they are not there yet.
   *
   * @return the installations, possibly empty
   * @throws PostgresException if bundled binaries exist but cannot be extracted
   */
  public static List<PostgresInstallation> discover() {
    List<PostgresInstallation> all = new ArrayList<>(MavenBinaries.installations());
    all.addAll(SystemBinaries.installations());
    return List.copyOf(all);
  }

  /**
   * Returns the default installation: the Maven-delivered PostgreSQL 18.
   *
   * @return the default installation
   * @throws PostgresException if the Maven-delivered binaries are not available on this platform
   */
  public static PostgresInstallation defaultInstallation() {
    int major = MavenBinaries.defaultMajor();
    return MavenBinaries.installations().stream()
        .filter(i -> i.majorVersion() == major)
        .findFirst()
        .orElseThrow(
            () ->
                new PostgresException(
                    "The default PostgreSQL "
                        + major
                        + " binaries "
                        + "(delivered through Maven) are not available for this platform ("
                        + System.getProperty("os.name")
                        + " "
                        + System.getProperty("os.arch")
                        + "). Available: "
                        + describe(discover())));
  }

  /**
   * Returns an installation of the given major version, preferring Maven-delivered over system
   * ones.
   *
   * @param majorVersion the PostgreSQL major version, for example 17
   * @return the installation
   * @throws PostgresException if there is none; its message lists the available major versions
   */
  public static PostgresInstallation forMajor(int majorVersion) {
    List<PostgresInstallation> all = discover();
    return all.stream()
        .filter(i -> i.majorVersion() == majorVersion)
        .findFirst()
        .orElseThrow(
            () ->
                new PostgresException(
                    "No PostgreSQL "
                        + majorVersion
                        + " installation found. "
                        + "Available major versions: "
                        + describe(all)
                        + ". Install it on the system "
                        + "(/usr/lib/postgresql/"
                        + majorVersion
                        + "/bin or pg_config on the PATH) or pick "
                        + "an available one."));
  }

  /**
   * Returns the root directory under which Maven-delivered binaries are extracted.
   *
   * @return the binary cache root
   */
  public static Path cacheRoot() {
    return MavenBinaries.cacheRoot();
  }

  private static String describe(List<PostgresInstallation> installations) {
    if (installations.isEmpty()) {
      return "none";
    }
    return installations.stream()
        .map(
            i ->
                i.majorVersion()
                    + " ("
                    + i.source().name().toLowerCase(java.util.Locale.ROOT)
                    + ", "
                    + i.binDir()
                    + ")")
        .collect(Collectors.joining(", "));
  }
}
