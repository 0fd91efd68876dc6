package dev.toygres.controlplane.secret;

import dev.toygres.controlplane.ToygresException;

/**
 * A stored secret cannot be opened: it is not a sealed secret, or it was sealed with another key.
 * The message says so (and which instance, when a caller knows it), never the secret or the key.
 */
public final class SecretException extends ToygresException {
  private static final long serialVersionUID = 1L;

  public SecretException(String message) {
    super(message);
  }

  public SecretException(String message, Throwable cause) {
    super(message, cause);
  }
}
