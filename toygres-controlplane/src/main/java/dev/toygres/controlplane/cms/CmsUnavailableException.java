package dev.toygres.controlplane.cms;

/**
 * The CMS database could not be reached or did not answer in time: a connection refused, lost or
 * not handed out by the pool in time, the server shutting down, a statement or lock timeout, too
 * many connections. Nothing was committed; the same operation may succeed later.
 */
public final class CmsUnavailableException extends CmsException {
  private static final long serialVersionUID = 1L;

  public CmsUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
