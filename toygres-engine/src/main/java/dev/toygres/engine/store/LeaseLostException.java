package dev.toygres.engine.store;

import dev.toygres.engine.DurableException;

/**
 * A worker tried to commit work whose lease had expired and been taken by another worker. The work
 * is not committed; the other worker's result counts.
 */
public class LeaseLostException extends DurableException {
  private static final long serialVersionUID = 1L;

  public LeaseLostException(String message) {
    super(message);
  }
}
