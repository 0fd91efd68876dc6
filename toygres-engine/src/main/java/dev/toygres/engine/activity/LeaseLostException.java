package dev.toygres.engine.activity;

import dev.toygres.engine.DurableException;

/**
 * An activity found, through its {@link LeaseFence}, that its worker no longer holds the call: it
 * was taken over by another worker after this one was paused past its lease. Nothing was written;
 * the call's outcome from this worker is dropped in any case.
 */
public class LeaseLostException extends DurableException {
  private static final long serialVersionUID = 1L;

  public LeaseLostException(String message) {
    super(message);
  }
}
