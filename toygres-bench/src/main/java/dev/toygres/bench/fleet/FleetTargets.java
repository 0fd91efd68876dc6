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
import org.postgresql.util.PasswordUtil;

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
      PostgresInstallation inst, Path dir, int i, String password, Closer closer)
      throws SQLException {
    // in /tmp: a socket path must stay short (107 bytes), which a --data-dir may not be
    Path sockets = Path.of("/tmp", "toygres-bench-" + ProcessHandle.current().pid() + "-" + i);
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
    addMonitoringRole(server, password);
    return server;
  }

  /** Creates the monitoring role (password {@code password}) and its database on {@code server}. */
  static void addMonitoringRole(PostgresServer server, String password) throws SQLException {
    try (Connection c =
            DriverManager.getConnection(
                server.socketJdbcUrl("postgres"), EmbeddedPostgres.USER, password);
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + ControlRoles.DATABASE);
      s.execute(
          "CREATE ROLE "
              + ControlRoles.MONITOR
              + " LOGIN IN ROLE pg_monitor PASSWORD '"
              + PasswordUtil.encodeScramSha256(password.toCharArray())
              + "'");
    }
  }
}
