package dev.toygres.controlplane;

/**
 * What someone asked for is not valid, and nothing was changed: a request body, a parameter, a
 * name, a password, a version, a duration. {@code field} names the input that is wrong (null when
 * the request as a whole is); the message says why and what is allowed, and never repeats a secret.
 */
public class InvalidRequestException extends ToygresException {
  private static final long serialVersionUID = 1L;
  private final String field;

  public InvalidRequestException(String field, String message) {
    super(message);
    this.field = field;
  }

  /** The input that is wrong ({@code name}, {@code password}, {@code limit}, ...), or null. */
  public String field() {
    return field;
  }
}
