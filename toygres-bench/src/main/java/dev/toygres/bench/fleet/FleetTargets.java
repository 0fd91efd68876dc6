package dev.toygres.bench.fleet;

import dev.toygres.controlplane.dataplane.ControlRoles;
import dev.toygres.postgres.EmbeddedPostgres;
import dev.toygres.postgres.PostgresInstallation;
import dev.toygres.postgres.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The probe targets of the fleet benchmark get what a managed instance has for its actor: the
 * control plane's database and monitoring role, reached through the target's Unix socket.
 */
final class FleetTargets {
  private FleetTargets() {}

  /**
   * Starts target {@code i} in {@code dir} with password authentication and a Unix socket directory
   * of its own, and adds the monitoring role. It is in {@code closer} (stopped by pid: the server
   * checks it is the postgres of this data directory) before it starts.
   */
  static PostgresServer start(
      PostgresInstallation inst,
      Path dir,
      int i,
      String password,
      String monitorScramSecret,
      Closer closer)
      throws SQLException {
    Path sockets = socketDirectory(Integer.toString(i));
    PostgresServer server =
        PostgresServer.builder()
            .installation(inst)
            .dataDir(dir)
            .password(password)
            .unixSocketDirectory(sockets)
            .setting("max_connections", "300")
            .build();
    // closed newest first: the server stops, then its (by then empty) socket directory goes
    closer.add("the socket directory " + sockets, () -> Files.deleteIfExists(sockets));
    closer.add("probe target " + i, server::stop);
    server.start();
    addMonitoringRole(server, password, monitorScramSecret);
    return server;
  }

  /**
   * A socket directory of this JVM's, {@code /tmp/toygres-bench-<pid>-<name>}: in /tmp, since a
   * socket path must stay short (107 bytes), which a --data-dir may not be.
   */
  static Path socketDirectory(String name) {
    return Path.of("/tmp", "toygres-bench-" + ProcessHandle.current().pid() + "-" + name);
  }

  /**
   * Creates the monitoring role with {@code monitorScramSecret} (the SCRAM secret of the password)
   * and its database on {@code server}, logging in as the superuser with {@code password}.
   */
  static void addMonitoringRole(PostgresServer server, String password, String monitorScramSecret)
      throws SQLException {
    try (Connection c =
            DriverManager.getConnection(
                server.socketJdbcUrl("postgres"), EmbeddedPostgres.USER, password);
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + ControlRoles.DATABASE);
      s.execute(
          "CREATE ROLE "
              + ControlRoles.MONITOR
              + " LOGIN IN ROLE pg_monitor PASSWORD '"
              + monitorScramSecret.replace("'", "''")
              + "'");
    }
  }
}
