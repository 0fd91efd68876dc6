package dev.toygres.controlplane.faults;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What an operator's forgotten psql session does: a transaction that holds {@code SELECT ... FOR
 * UPDATE} on every row of {@code toygres_cms.instances} until {@link #close()} rolls it back.
 */
final class RowLocks implements AutoCloseable {
  private final Connection connection;
  private final int rows;

  private RowLocks(Connection connection, int rows) {
    this.connection = connection;
    this.rows = rows;
  }

  /** Locks every CMS instance row from a session of its own. */
  static RowLocks holdEveryInstanceRow(MetadataPostgres db) throws SQLException {
    Connection c = db.connect();
    try {
      c.setAutoCommit(false);
      int n = 0;
      try (Statement s = c.createStatement();
          ResultSet r =
              s.executeQuery(
                  """
                  SELECT id FROM toygres_cms.instances ORDER BY id FOR UPDATE""")) {
        while (r.next()) {
          n++;
        }
      }
      return new RowLocks(c, n);
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /** How many rows are locked. */
  int rows() {
    return rows;
  }

  /** Releases the locks (rollback) and closes the session. */
  @Override
  public void close() throws SQLException {
    try {
      connection.rollback();
    } finally {
      connection.close();
    }
  }
}
