package dev.toygres.postgres;

import dev.toygres.postgres.internal.EmbeddedFiles;
import dev.toygres.postgres.internal.FreePorts;
import dev.toygres.postgres.internal.ServerStarter;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Starts the server of an {@link EmbeddedPostgres} directory (whose lock the caller holds). */
final class EmbeddedServer {

  static final String PGDATA = "pgdata";
  private static final Map<String, String> DURABLE =
      Map.of("fsync", "on", "synchronous_commit", "on", "full_page_writes", "on");

  private EmbeddedServer() {}

  /**
   * Stops a server left running on the directory, starts one on the remembered port if it is free
   * (else a new free port, which is then remembered) and creates the application database if
   * absent.
   */
  static PostgresServer start(EmbeddedPostgresOptions options, String user, String password)
      throws IOException {
    return start(
        options, user, password, EmbeddedFiles.rememberedPort(options.dataDir().resolve("port")));
  }

  /**
   * Starts the server of a directory whose server died, on {@code port} (its clients' URL), or
   * fails if that port is not free.
   */
  static PostgresServer restart(
      EmbeddedPostgresOptions options, String user, String password, int port) throws IOException {
    if (!FreePorts.isFree(port)) {
      throw new PostgresException(
          "Cannot restart the embedded database in "
              + options.dataDir()
              + ": port "
              + port
              + " is still in use");
    }
    return start(options, user, password, port);
  }

  private static PostgresServer start(
      EmbeddedPostgresOptions options, String user, String password, int port) throws IOException {
    Path dir = options.dataDir();
    Path pgdata = dir.resolve(PGDATA);
    ServerStarter.clearLeftover(pgdata, options.startupTimeout()); // frees the remembered port
    Map<String, String> settings = new LinkedHashMap<>(DURABLE);
    settings.putAll(options.settings());
    PostgresServer server =
        PostgresServer.builder()
            .installation(
                options.installation() != null
                    ? options.installation()
                    : PostgresInstallations.defaultInstallation())
            .dataDir(pgdata)
            .superuser(user)
            .password(password)
            .port(port)
            .settings(settings)
            .startupTimeout(options.startupTimeout())
            .logFile(dir.resolve("postgres.log"))
            .build()
            .start();
    try {
      EmbeddedFiles.rememberPort(dir.resolve("port"), server.port());
      EmbeddedFiles.createDatabaseIfAbsent(
          server.jdbcUrl("postgres"), user, password, options.database());
      return server;
    } catch (IOException | SQLException | RuntimeException e) {
      try {
        server.stop();
      } catch (RuntimeException stopFailure) {
        e.addSuppressed(stopFailure);
      }
      throw new PostgresException(
          "Cannot set up the embedded database in " + dir + ": " + e.getMessage(), e);
    }
  }
}
