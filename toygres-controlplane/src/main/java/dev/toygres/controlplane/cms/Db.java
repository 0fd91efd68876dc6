package dev.toygres.controlplane.cms;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Transactions and error translation for the CMS: SQL errors become {@link CmsException}, and those
 * that mean the database is out of reach or too slow to answer become {@link
 * CmsUnavailableException} (see {@link #unavailable(SQLException)}).
 */
final class Db {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * SQLStates that say "not now" rather than "never": the server shutting down (57P01-57P03), a
   * statement or lock timeout (57014, 55P03), too many connections (53300). Class 08 (connection
   * exceptions) is matched by its prefix.
   */
  private static final Set<String> UNAVAILABLE =
      Set.of("57P01", "57P02", "57P03", "57014", "55P03", "53300");

  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private Db() {}

  static <T> T tx(DataSource ds, Work<T> work) {
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      try {
        T r = work.run(c);
        c.commit();
        return r;
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c, e);
        throw e;
      } finally {
        resetQuietly(c);
      }
    } catch (SQLException e) {
      throw translate(e);
    }
  }

  static <T> T auto(DataSource ds, Work<T> work) {
    try (Connection c = ds.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw translate(e);
    }
  }

  /** The CMS's exception for an SQL error: unavailable or not, with the SQLState in its message. */
  static CmsException translate(SQLException e) {
    String message =
        "CMS database error: " + e.getMessage() + " (SQLState " + e.getSQLState() + ")";
    return unavailable(e)
        ? new CmsUnavailableException("CMS database unavailable: " + message, e)
        : new CmsException(message, e);
  }

  /**
   * Whether the error says the database is out of reach or did not answer in time (Hikari's
   * connection timeout is an {@link SQLTransientConnectionException}; a lost socket, pgjdbc's
   * socket timeout included, has SQLState 08006), looking through the causes.
   */
  static boolean unavailable(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientConnectionException || t instanceof SQLRecoverableException) {
        return true;
      }
      if (t instanceof SQLException s && s.getSQLState() != null) {
        String state = s.getSQLState();
        if (state.startsWith("08") || UNAVAILABLE.contains(state)) {
          return true;
        }
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  private static void rollbackQuietly(Connection c, Exception cause) {
    try {
      c.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  private static void resetQuietly(Connection c) {
    try {
      c.setAutoCommit(true);
    } catch (SQLException ignored) {
      // the connection is broken; the pool discards it when it is closed
    }
  }

  static String json(Object o) {
    try {
      return JSON.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
