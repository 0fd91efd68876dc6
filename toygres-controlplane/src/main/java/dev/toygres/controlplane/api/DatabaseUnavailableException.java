package dev.toygres.controlplane.api;

import dev.toygres.controlplane.ToygresException;

/**
 * Thrown before an {@code /api} request is served while the health monitor knows the metadata
 * database is unreachable: the request fails at once with 503 instead of waiting for its own
 * database timeouts.
 */
final class DatabaseUnavailableException extends ToygresException {
  private static final long serialVersionUID = 1L;

  DatabaseUnavailableException(String message) {
    super(message, null);
  }
}
