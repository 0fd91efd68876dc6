package dev.toygres.controlplane.api;

import dev.toygres.controlplane.InvalidRequestException;

/** A request body larger than the API reads ({@link RequestBodies#MAX_BYTES}). */
final class BodyTooLargeException extends InvalidRequestException {
  private static final long serialVersionUID = 1L;

  BodyTooLargeException(int maxBytes) {
    super("body", "request body is larger than " + maxBytes / 1024 + " KiB");
  }
}
