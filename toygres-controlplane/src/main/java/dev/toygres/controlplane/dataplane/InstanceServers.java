package dev.toygres.controlplane.dataplane;

import dev.toygres.postgres.PostgresException;
import dev.toygres.postgres.PostgresInstallation;
import dev.toygres.postgres.PostgresServer;
import dev.toygres.postgres.PostgresServerBuilder;
import java.util.Map;
import java.util.Optional;

/**
 * Starts and stops the PostgreSQL server of one instance directory, as the layout's OS user, with
 * the instance's Unix socket, turning the postgres module's errors into {@link DataPlaneException}s
 * that name the instance.
 */
final class InstanceServers {

  /**
   * Small-instance settings, so that many instances fit on one machine. A failed statement is never
   * written to the log ({@code log_min_error_statement = panic}; PostgreSQL's default writes it
   * with every error), so a tenant's {@code ALTER ROLE ... PASSWORD '...'} that fails leaves no
   * password in the log the API shows; settings on the command line cannot be changed by the
   * tenant, who is not a superuser.
   */
  static final Map<String, String> SETTINGS =
      Map.of(
          "shared_buffers", "32MB",
          "max_connections", "50",
          "max_wal_size", "256MB",
          "password_encryption", "scram-sha-256",
          "log_min_error_statement", "panic");

  private InstanceServers() {}

  /** The server running on the instance's data directory, whichever process started it. */
  static Optional<PostgresServer> running(InstanceDir dir) {
    return PostgresServer.attach(dir.dataDir());
  }

  /**
   * Starts the server of the instance, running initdb first (bootstrap superuser {@code
   * meta.adminUser()} with {@code superuserPassword}, SCRAM) if the data directory is empty. The
   * server counts as ready once it answers through its socket (or asks for a password, when none is
   * given).
   *
   * @param superuserPassword the bootstrap superuser's password, or null for an initialized one
   * @throws DataPlaneException with the server log's tail if it cannot start
   */
  static PostgresServer start(
      InstanceDir dir,
      InstanceMetadata meta,
      PostgresInstallation inst,
      InstanceLayout layout,
      String superuserPassword) {
    return start(dir, meta, inst, layout, superuserPassword, Map.of());
  }

  /**
   * As {@link #start(InstanceDir, InstanceMetadata, PostgresInstallation, InstanceLayout, String)},
   * with {@code extra} settings on the command line for this start only (the first start of a new
   * cluster, before its {@code postgresql.auto.conf} can be written).
   */
  static PostgresServer start(
      InstanceDir dir,
      InstanceMetadata meta,
      PostgresInstallation inst,
      InstanceLayout layout,
      String superuserPassword,
      Map<String, String> extra) {
    layout.prepare(dir);
    ServerLogs.rotate(dir, meta.name());
    Map<String, String> settings = new java.util.HashMap<>(SETTINGS);
    settings.putAll(extra);
    PostgresServerBuilder builder =
        PostgresServer.builder()
            .installation(inst)
            .dataDir(dir.dataDir())
            .port(meta.port())
            .superuser(meta.adminUser())
            .password(superuserPassword)
            .logFile(dir.logFile())
            .unixSocketDirectory(layout.socketDir(meta.name()))
            .settings(settings);
    if (layout.runAs() != null) {
      builder.runAs(layout.runAs());
    }
    try {
      PostgresServer server = builder.build().start();
      ServerConf.ensure(dir.dataDir(), SETTINGS);
      return server;
    } catch (java.io.IOException e) {
      throw new DataPlaneException(
          meta.name(),
          "start",
          "Cannot write the settings of instance '" + meta.name() + "': " + e.getMessage(),
          e);
    } catch (PostgresException e) {
      throw new DataPlaneException(
          meta.name(),
          "start",
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
      throw new DataPlaneException(
          name, "stop", "Cannot stop instance '" + name + "': " + e.getMessage(), e);
    }
  }

  /** Makes the running server re-read pg_hba.conf. */
  static void reload(InstanceDir dir, String name) {
    PostgresServer server =
        running(dir)
            .orElseThrow(
                () ->
                    new DataPlaneException(
                        name,
                        "reload",
                        "Instance '" + name + "' stopped while its access was being set"));
    try {
      server.reload();
    } catch (PostgresException e) {
      throw new DataPlaneException(
          name, "reload", "Cannot reload instance '" + name + "': " + e.getMessage(), e);
    }
  }

  /** Whether a start failure was the port being taken (worth retrying with another port). */
  static boolean portTaken(DataPlaneException e) {
    String message = e.getMessage();
    return message != null
        && (message.contains("could not bind") || message.contains("Address already in use"));
  }
}
