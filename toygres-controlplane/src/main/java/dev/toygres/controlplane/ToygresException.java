package dev.toygres.controlplane;

/**
 * Root of the control plane's errors. Each subclass says what happened, where it arose and with the
 * ids a person needs (which instance, which field, which state): {@link NotFoundException}, {@link
 * InvalidRequestException}, {@link ConflictException} and {@link StateConflictException} here, and
 * the failures of one part of the control plane in its package (the CMS database, the data plane,
 * stored secrets, the configuration, access to the API). None carries an HTTP status: the API maps
 * them to statuses in one place.
 */
public abstract class ToygresException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  protected ToygresException(String message) {
    super(message);
  }

  protected ToygresException(String message, Throwable cause) {
    super(message, cause);
  }
}
