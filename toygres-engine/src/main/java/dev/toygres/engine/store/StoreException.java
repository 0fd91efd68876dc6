package dev.toygres.engine.store;

import dev.toygres.engine.DurableException;
import java.sql.SQLException;

/** The database refused or failed an operation; the message says which and why. */
public class StoreException extends DurableException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The SQLState of the database error behind this one, or null if there was none. */
  public String sqlState() {
    return getCause() instanceof SQLException e ? e.getSQLState() : null;
  }
}
