package dev.toygres.engine.store;

/**
 * The database could not be reached or did not answer in time (connection refused or lost, a
 * connect, socket, statement or lock timeout). Retrying later may succeed; nothing was committed.
 */
public class StoreUnavailableException extends StoreException {
  private static final long serialVersionUID = 1L;

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
