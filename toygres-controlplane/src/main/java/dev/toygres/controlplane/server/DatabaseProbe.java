package dev.toygres.controlplane.server;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * Asks the metadata database {@code SELECT 1} on a connection of its own, outside the pool, so that
 * a pool drained by busy or blocked workers is not taken for an unreachable database. The
 * connection has short connect and socket timeouts (2 s and 3 s): a paused or partitioned database
 * makes one probe fail within seconds. A failed connection is dropped and opened again by the next
 * probe. Not thread-safe: one monitor thread uses it.
 */
final class DatabaseProbe implements HealthMonitor.Probe {
  private static final int CONNECT_SECONDS = 2;
  private static final int SOCKET_SECONDS = 3;
  private final String url;
  private final Properties props;
  private Connection connection;

  DatabaseProbe(HikariDataSource pool) {
    this.url = pool.getJdbcUrl();
    this.props = new Properties();
    props.putAll(pool.getDataSourceProperties());
    if (pool.getUsername() != null) {
      props.setProperty("user", pool.getUsername());
    }
    if (pool.getPassword() != null) {
      props.setProperty("password", pool.getPassword());
    }
    props.setProperty("connectTimeout", Integer.toString(CONNECT_SECONDS));
    props.setProperty("loginTimeout", Integer.toString(CONNECT_SECONDS));
    props.setProperty("socketTimeout", Integer.toString(SOCKET_SECONDS));
    props.setProperty("ApplicationName", "toygres-health-probe");
  }

  /** Runs one probe; throws when the database did not answer. */
  @Override
  public void probe() throws SQLException {
    try {
      if (connection == null) {
        connection = DriverManager.getConnection(url, props);
      }
      try (Statement s = connection.createStatement()) {
        s.setQueryTimeout(SOCKET_SECONDS);
        s.execute("SELECT 1");
      }
    } catch (SQLException | RuntimeException e) {
      close();
      throw e;
    }
  }

  @Override
  public void close() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // it is being dropped because it failed
      }
      connection = null;
    }
  }
}
