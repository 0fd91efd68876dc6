package dev.toygres.controlplane.dataplane;

import dev.toygres.controlplane.ToygresException;
import dev.toygres.postgres.PostgresException;
import dev.toygres.postgres.PostgresInstallation;
import dev.toygres.postgres.PostgresServer;
import dev.toygres.postgres.PostgresServerBuilder;
import java.util.Map;
import java.util.Optional;

/**
 * Starts and stops the PostgreSQL server of one instance directory, turning the postgres module's
 * errors into {@link ToygresException}s that name the instance.
 */
final class InstanceServers {

  /** Small-instance settings, so that many instances fit on one machine. */
  static final Map<String, String> SETTINGS =
      Map.of(
          "shared_buffers", "32MB",
          "max_connections", "50",
          "max_wal_size", "256MB",
          "password_encryption", "scram-sha-256");

  private InstanceServers() {}

  /** The server running on the instance's data directory, whichever process started it. */
  static Optional<PostgresServer> running(InstanceDir dir) {
    return PostgresServer.attach(dir.dataDir());
  }

  /**
   * Runs initdb (admin user, {@code password}, scram-sha-256) on the instance's empty data
   * directory and starts the server.
   *
   * @throws ToygresException 500 with the server log's tail if it cannot start
   */
  static PostgresServer initAndStart(
      InstanceDir dir, InstanceMetadata meta, PostgresInstallation inst, String password) {
    return start(dir, meta, inst, password);
  }

  /**
   * Starts the server of an initialized instance. The password is not needed: the server counts as
   * ready once it asks for one.
   *
   * @throws ToygresException 500 with the server log's tail if it cannot start
   */
  static PostgresServer startExisting(
      InstanceDir dir, InstanceMetadata meta, PostgresInstallation inst) {
    return start(dir, meta, inst, null);
  }

  private static PostgresServer start(
      InstanceDir dir, InstanceMetadata meta, PostgresInstallation inst, String password) {
    PostgresServerBuilder builder =
        PostgresServer.builder()
            .installation(inst)
            .dataDir(dir.dataDir())
            .port(meta.port())
            .superuser(meta.adminUser())
            .password(password)
            .logFile(dir.logFile())
            .settings(SETTINGS);
    try {
      return builder.build().start();
    } catch (PostgresException e) {
      throw new ToygresException(
          500,
          "Cannot start instance '"
              + meta.name()
              + "' (PostgreSQL "
              + inst.version()
              + "): "
              + e.getMessage(),
          e);
    }
  }

  /** Stops the instance's server if it runs (fast shutdown, escalating); no-op otherwise. */
  static void stop(InstanceDir dir, String name) {
    Optional<PostgresServer> server = running(dir);
    if (server.isEmpty()) {
      return;
    }
    try {
      server.get().stop();
    } catch (PostgresException e) {
      throw new ToygresException(500, "Cannot stop instance '" + name + "': " + e.getMessage(), e);
    }
  }

  /** Whether a start failure was the port being taken (worth retrying with another port). */
  static boolean portTaken(ToygresException e) {
    String message = e.getMessage();
    return message != null
        && (message.contains("could not bind") || message.contains("Address already in use"));
  }
}
