package dev.toygres.engine;

/** Root of every unchecked exception thrown by the durable engine. */
public class DurableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DurableException(String message) {
    super(message);
  }

  public DurableException(String message, Throwable cause) {
    super(message, cause);
  }
}
