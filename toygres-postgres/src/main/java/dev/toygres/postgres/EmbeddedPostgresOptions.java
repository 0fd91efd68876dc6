package dev.toygres.postgres;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Options for {@link EmbeddedPostgres#start(EmbeddedPostgresOptions)}.
 *
 * @param dataDir the directory holding the cluster and its state files
 * @param database the application database created if absent; default "toygres"
 * @param installation the binaries, or null for {@link PostgresInstallations#defaultInstallation()}
 * @param settings extra server settings (applied after, so overriding, the durable defaults)
 * @param startupTimeout how long to wait for the server to start; default 60 seconds
 */
public record EmbeddedPostgresOptions(
    Path dataDir,
    String database,
    PostgresInstallation installation,
    Map<String, String> settings,
    Duration startupTimeout) {

  /** Validates the options and makes {@code dataDir} absolute. */
  public EmbeddedPostgresOptions {
    dataDir = Objects.requireNonNull(dataDir, "dataDir").toAbsolutePath().normalize();
    if (database == null || database.isBlank()) {
      throw new IllegalArgumentException("database name required");
    }
    settings = Map.copyOf(settings);
    Objects.requireNonNull(startupTimeout, "startupTimeout");
  }

  /**
   * Returns the default options for a directory.
   *
   * @param dataDir the directory
   * @return options with database "toygres", the default installation and a 60 second startup
   *     timeout
   */
  public static EmbeddedPostgresOptions of(Path dataDir) {
    return new EmbeddedPostgresOptions(dataDir, "toygres", null, Map.of(), Duration.ofSeconds(60));
  }

  /**
   * Returns a copy with another application database name.
   *
   * @param name the database name
   * @return the new options
   */
  public EmbeddedPostgresOptions withDatabase(String name) {
    return new EmbeddedPostgresOptions(dataDir, name, installation, settings, startupTimeout);
  }

  /**
   * Returns a copy using other binaries.
   *
   * @param inst the installation
   * @return the new options
   */
  public EmbeddedPostgresOptions withInstallation(PostgresInstallation inst) {
    return new EmbeddedPostgresOptions(dataDir, database, inst, settings, startupTimeout);
  }

  /**
   * Returns a copy with extra server settings.
   *
   * @param extra setting names and values
   * @return the new options
   */
  public EmbeddedPostgresOptions withSettings(Map<String, String> extra) {
    return new EmbeddedPostgresOptions(dataDir, database, installation, extra, startupTimeout);
  }

  /**
   * Returns a copy with another startup timeout.
   *
   * @param timeout the timeout
   * @return the new options
   */
  public EmbeddedPostgresOptions withStartupTimeout(Duration timeout) {
    return new EmbeddedPostgresOptions(dataDir, database, installation, settings, timeout);
  }
}
