package dev.toygres.engine.store.internal;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.concurrent.Executor;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Connections of a pool with its statement timeout and network (socket) timeout lifted, for work
 * that may legitimately run long (a schema migration); both are restored when the connection is
 * closed, before it goes back to the pool.
 */
public final class UntimedConnections implements DataSource {
  private static final Executor DIRECT = Runnable::run;
  private final DataSource pool;

  public UntimedConnections(DataSource pool) {
    this.pool = pool;
  }

  @Override
  public Connection getConnection() throws SQLException {
    Connection real = pool.getConnection();
    try {
      int network = real.getNetworkTimeout();
      try (Statement s = real.createStatement()) {
        s.execute("SET statement_timeout = 0");
      }
      real.setNetworkTimeout(DIRECT, 0);
      return wrap(real, network);
    } catch (SQLException | RuntimeException e) {
      real.close();
      throw e;
    }
  }

  private static Connection wrap(Connection real, int network) {
    return (Connection)
        Proxy.newProxyInstance(
            UntimedConnections.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            (proxy, method, args) -> {
              if (method.getName().equals("close") && method.getParameterCount() == 0) {
                restoreAndClose(real, network);
                return null;
              }
              try {
                return method.invoke(real, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  private static void restoreAndClose(Connection real, int network) throws SQLException {
    try {
      if (!real.isClosed()) {
        if (!real.getAutoCommit()) {
          real.rollback();
          real.setAutoCommit(true);
        }
        try (Statement s = real.createStatement()) {
          s.execute("RESET statement_timeout");
        }
        real.setNetworkTimeout(DIRECT, network);
      }
    } finally {
      real.close();
    }
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException("use getConnection()");
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return pool.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    pool.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    pool.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return pool.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return pool.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    return pool.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return iface.isInstance(this) || pool.isWrapperFor(iface);
  }
}
