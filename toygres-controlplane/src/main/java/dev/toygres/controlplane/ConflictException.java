package dev.toygres.controlplane;

/**
 * The request does not fit what exists, and nothing was changed: a name already taken, a change
 * made by someone else at the same time, data that must not be overwritten. A conflict with an
 * instance's state is a {@link StateConflictException}.
 */
public class ConflictException extends ToygresException {
  private static final long serialVersionUID = 1L;

  public ConflictException(String message) {
    super(message);
  }
}
