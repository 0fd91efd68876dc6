package dev.toygres.controlplane.dataplane;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Sessions of the control plane's superuser on a server, and WAL switches on them. */
final class WalSwitch {
  private WalSwitch() {}

  /**
   * A session of the control plane's superuser on {@code server} whose commits do not wait for a
   * synchronous standby.
   */
  static Connection superuser(InstanceLayout layout, Server server, ControlSecrets secrets)
      throws SQLException {
    Connection c =
        InstanceConnections.open(
            layout.socketDir(server.name()),
            server.metadata().port(),
            ControlRoles.DATABASE,
            ControlRoles.SUPERUSER,
            secrets.superuserPassword(),
            InstanceAccess.ADMIN_TIMEOUT);
    try {
      InstanceRoles.execute(c, "SET synchronous_commit = local");
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return c;
  }

  /** The server's current WAL write position, as text ({@code 0/3000148}). */
  static String currentLsn(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_catalog.pg_current_wal_lsn()::text")) {
      rs.next();
      return rs.getString(1);
    }
  }

  /**
   * Ends the current WAL segment ({@code pg_switch_wal()}) so that it is archived now.
   *
   * @return the LSN the switch returned (the end of the closed segment's WAL)
   */
  static String execute(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_catalog.pg_switch_wal()::text")) {
      rs.next();
      return rs.getString(1);
    }
  }
}
