package dev.toygres.controlplane.access;

import dev.toygres.controlplane.ToygresException;

/** Tokens were to be created or revoked on a server that keeps none (only the built-in admin). */
public final class NoTokenStoreException extends ToygresException {
  private static final long serialVersionUID = 1L;

  public NoTokenStoreException() {
    super("this server keeps no API tokens");
  }
}
