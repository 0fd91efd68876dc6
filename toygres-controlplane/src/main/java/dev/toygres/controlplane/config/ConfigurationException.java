package dev.toygres.controlplane.config;

import dev.toygres.controlplane.ToygresException;

/**
 * The server refuses to start with the configuration it was given: a flag, an environment variable
 * or a file in the data directory is wrong, and a person has to change it (restarting will not
 * help). The message says what is wrong, where the value came from and how to fix it; it never
 * contains a secret. {@code toygres server} prints it as one {@code error: ...} line and exits with
 * {@link #EXIT_CODE}. It never reaches an HTTP client.
 */
public final class ConfigurationException extends ToygresException {
  private static final long serialVersionUID = 1L;

  /** {@code EX_CONFIG} of sysexits.h: a process supervisor should not restart the server. */
  public static final int EXIT_CODE = 78;

  public ConfigurationException(String message) {
    super(message);
  }

  public ConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }
}
