package dev.toygres.postgres.internal;

import dev.toygres.postgres.PostgresSockets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

/**
 * Waits until a freshly launched server answers {@code SELECT 1} over JDBC: through its Unix socket
 * if it has one (so that the password never goes to whatever holds the TCP port), else over TCP.
 */
final class Readiness {

  /** Why a server did not become ready. */
  enum Failure {
    EXITED,
    TIMED_OUT,
    AUTHENTICATION
  }

  /** Startup failed; {@code detail} says why in words. */
  static final class NotReady extends Exception {
    private static final long serialVersionUID = 1L;
    final Failure failure;

    NotReady(Failure failure, String detail, Throwable cause) {
      super(detail, cause);
      this.failure = failure;
    }
  }

  private Readiness() {}

  /**
   * Returns once {@code SELECT 1} succeeds; throws NotReady if the process exits, auth fails or
   * time runs out.
   */
  static void await(Process process, ServerSpec spec, int port) throws NotReady {
    long deadline = System.nanoTime() + spec.startupTimeout().toNanos();
    SQLException last = null;
    while (true) {
      if (!process.isAlive()) {
        throw new NotReady(
            Failure.EXITED,
            "postgres exited with code " + process.exitValue() + " during startup",
            last);
      }
      try (Connection connection = connect(spec, port);
          Statement statement = connection.createStatement()) {
        statement.execute("SELECT 1");
        return;
      } catch (SQLException e) {
        if (spec.password() == null && asksForPassword(e)) {
          // Started without knowing the password (an existing data directory with password
          // authentication): a server that gets as far as asking for one accepts connections.
          return;
        }
        if (e.getSQLState() != null && e.getSQLState().startsWith("28")) {
          throw new NotReady(
              Failure.AUTHENTICATION,
              "the server is up but refused superuser '"
                  + spec.superuser()
                  + "' ("
                  + e.getMessage()
                  + "); was this data directory "
                  + "initialized with another user or password?",
              e);
        }
        last = e;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new NotReady(
            Failure.TIMED_OUT,
            "postgres did not accept connections within "
                + spec.startupTimeout()
                + (last == null ? "" : " (last error: " + last.getMessage() + ")"),
            last);
      }
      if (!Processes.sleep(Duration.ofMillis(100))) {
        throw new NotReady(
            Failure.TIMED_OUT, "interrupted while waiting for postgres to start", last);
      }
    }
  }

  private static boolean asksForPassword(SQLException e) {
    String state = String.valueOf(e.getSQLState());
    return state.equals("08004") || state.equals("28P01") || state.equals("28000");
  }

  /**
   * Opens a JDBC connection as the superuser to database "postgres", through the server's socket
   * directory if it has one, else to 127.0.0.1.
   */
  static Connection connect(ServerSpec spec, int port) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", spec.superuser());
    if (spec.password() != null) {
      properties.setProperty("password", spec.password());
    }
    properties.setProperty("connectTimeout", "2");
    properties.setProperty("socketTimeout", "10");
    properties.setProperty("loginTimeout", "5");
    String url =
        spec.socketDir() != null
            ? PostgresSockets.jdbcUrl(spec.socketDir(), port, "postgres")
            : "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    Connection connection = new org.postgresql.Driver().connect(url, properties);
    if (connection == null) {
      throw new SQLException("the PostgreSQL JDBC driver did not accept " + url);
    }
    return connection;
  }
}
