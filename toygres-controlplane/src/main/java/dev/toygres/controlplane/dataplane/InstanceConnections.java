package dev.toygres.controlplane.dataplane;

import dev.toygres.postgres.PostgresSockets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

/**
 * Connections of the control plane's own roles to an instance: always through the instance's Unix
 * socket, never over TCP. Every session pins {@code search_path} to {@code pg_catalog} and turns
 * off the settings a database owner could set to get in the way ({@code ALTER DATABASE ... SET}),
 * so the tenant can neither run code in these sessions nor block them.
 */
public final class InstanceConnections {
  private static final String OPTIONS =
      "-c search_path=pg_catalog -c default_transaction_read_only=off -c statement_timeout=0"
          + " -c idle_in_transaction_session_timeout=0 -c lock_timeout=30s";

  private InstanceConnections() {}

  /**
   * Opens a connection as the monitoring role to the control plane's database.
   *
   * @param socketDir the instance's socket directory
   * @param port the instance's port (names the socket file)
   * @param password the monitoring role's password
   * @param timeout connect, login and socket timeout (rounded up to whole seconds)
   */
  public static Connection asMonitor(Path socketDir, int port, String password, Duration timeout)
      throws SQLException {
    return open(socketDir, port, ControlRoles.DATABASE, ControlRoles.MONITOR, password, timeout);
  }

  /** Opens a connection as {@code user} (a control-plane role, or null password for trust). */
  static Connection open(
      Path socketDir, int port, String database, String user, String password, Duration timeout)
      throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    if (password != null) {
      p.setProperty("password", password);
    }
    String secs = Long.toString(Math.max(1, (timeout.toMillis() + 999) / 1000));
    p.setProperty("connectTimeout", secs);
    p.setProperty("loginTimeout", secs);
    p.setProperty("socketTimeout", secs);
    p.setProperty("ApplicationName", "toygres-control-plane");
    p.setProperty("options", OPTIONS);
    p.setProperty("preferQueryMode", "simple");
    String url = PostgresSockets.jdbcUrl(socketDir, port, database);
    Connection c = new org.postgresql.Driver().connect(url, p);
    if (c == null) {
      throw new SQLException("the PostgreSQL JDBC driver did not accept " + url);
    }
    return c;
  }
}
