package dev.toygres.bench.fleet;

import dev.toygres.controlplane.dataplane.ControlRoles;
import dev.toygres.postgres.EmbeddedPostgres;
import dev.toygres.postgres.PostgresServer;
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
