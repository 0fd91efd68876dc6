package dev.toygres.engine.store;

import dev.toygres.engine.DurableException;

/** The database refused or failed an operation; the message says which and why. */
public class StoreException extends DurableException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
