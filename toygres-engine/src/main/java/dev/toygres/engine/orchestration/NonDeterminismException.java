package dev.toygres.engine.orchestration;

import dev.toygres.engine.DurableException;

/**
 * The orchestration code did something other than what its history records. The instance fails with
 * this error; the message names the instance, execution, history position, what history expected
 * and what the code did.
 */
public class NonDeterminismException extends DurableException {
  private static final long serialVersionUID = 1L;

  public NonDeterminismException(String message) {
    super(message);
  }
}
