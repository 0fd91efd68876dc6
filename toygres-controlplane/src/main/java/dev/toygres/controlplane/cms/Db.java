package dev.toygres.controlplane.cms;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Transactions and error translation for the CMS: SQL errors become {@link CmsException}. */
final class Db {
  private static final ObjectMapper JSON = new ObjectMapper();

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
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new CmsException(
          "CMS database error: " + e.getMessage() + " (SQLState " + e.getSQLState() + ")", e);
    }
  }

  static <T> T auto(DataSource ds, Work<T> work) {
    try (Connection c = ds.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw new CmsException(
          "CMS database error: " + e.getMessage() + " (SQLState " + e.getSQLState() + ")", e);
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
