package dev.toygres.controlplane.cms;

import dev.toygres.controlplane.ToygresException;

/**
 * The CMS database failed an operation (a statement refused, a constraint broken). The message
 * names the SQLState; it is for the server log, not for API clients, who get a generic error. When
 * the database could not be reached or did not answer in time, the subclass {@link
 * CmsUnavailableException} is thrown instead.
 */
public class CmsException extends ToygresException {
  private static final long serialVersionUID = 1L;

  public CmsException(String message, Throwable cause) {
    super(message, cause);
  }
}
