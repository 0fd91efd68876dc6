package dev.toygres.controlplane.access;

import dev.toygres.controlplane.ToygresException;

/**
 * A request does not say who makes it, or says it wrongly: no token, not a bearer token, an unknown
 * token, a console session that ended. The message says which, never the token.
 */
public final class AuthenticationException extends ToygresException {
  private static final long serialVersionUID = 1L;

  public AuthenticationException(String message) {
    super(message);
  }
}
