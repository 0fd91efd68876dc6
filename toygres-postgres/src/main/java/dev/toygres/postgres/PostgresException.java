package dev.toygres.postgres;

/**
 * Thrown when a PostgreSQL installation cannot be found or a server cannot be set up, started or
 * stopped.
 */
public class PostgresException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message that says what went wrong and, where known, what to do.
   *
   * @param message the explanation
   */
  public PostgresException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and the underlying cause.
   *
   * @param message the explanation
   * @param cause the underlying failure
   */
  public PostgresException(String message, Throwable cause) {
    super(message, cause);
  }
}
