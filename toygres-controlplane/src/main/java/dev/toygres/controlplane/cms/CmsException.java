package dev.toygres.controlplane.cms;

import dev.toygres.controlplane.ToygresException;

/**
 * The CMS database failed an operation (unreachable, a statement refused). The message names the
 * SQLState; it is for the server log, not for API clients, who get a generic error.
 */
public final class CmsException extends ToygresException {
  private static final long serialVersionUID = 1L;

  public CmsException(String message, Throwable cause) {
    super(message, cause);
  }
}
