package dev.toygres.controlplane.cli;

import dev.toygres.controlplane.ToygresException;

/**
 * A client command that cannot go on: the server answered with an error (its message), or there was
 * no answer at all (unreachable, no token, a wait that timed out). {@link ToygresCli} prints the
 * message as {@code error: ...} and exits with 1.
 */
final class CliException extends ToygresException {
  private static final long serialVersionUID = 1L;

  private CliException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The server refused the request with this error message. */
  static CliException answered(String message) {
    return new CliException(message, null);
  }

  /** A problem on this side: nothing was asked of the server, or it did not answer. */
  static CliException local(String message) {
    return new CliException(message, null);
  }

  static CliException local(String message, Throwable cause) {
    return new CliException(message, cause);
  }
}
