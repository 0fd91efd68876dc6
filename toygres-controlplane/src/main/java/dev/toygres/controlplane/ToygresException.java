package dev.toygres.controlplane;

/**
 * Root of the control plane's errors. Each carries the HTTP status it maps to, so the API turns
 * every one into {@code {"error": message}} with that status in one place.
 */
public class ToygresException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;

  public ToygresException(int status, String message) {
    super(message);
    this.status = status;
  }

  public ToygresException(int status, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  public int status() {
    return status;
  }

  /** 400: the request is malformed or invalid; nothing was changed. */
  public static ToygresException badRequest(String message) {
    return new ToygresException(400, message);
  }

  /** 404: the named thing does not exist. */
  public static ToygresException notFound(String message) {
    return new ToygresException(404, message);
  }

  /** 409: the request conflicts with the current state; nothing was changed. */
  public static ToygresException conflict(String message) {
    return new ToygresException(409, message);
  }
}
