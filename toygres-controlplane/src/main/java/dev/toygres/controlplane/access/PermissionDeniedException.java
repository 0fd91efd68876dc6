package dev.toygres.controlplane.access;

import dev.toygres.controlplane.ToygresException;

/**
 * The caller is known but may not make this request: its role does not allow it, or a change
 * through the console's cookie lacks the console's header or origin.
 */
public final class PermissionDeniedException extends ToygresException {
  private static final long serialVersionUID = 1L;

  public PermissionDeniedException(String message) {
    super(message);
  }
}
