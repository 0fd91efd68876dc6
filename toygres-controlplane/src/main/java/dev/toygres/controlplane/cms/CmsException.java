package dev.toygres.controlplane.cms;

/** The CMS database failed an operation. */
public final class CmsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CmsException(String message, Throwable cause) {
    super(message, cause);
  }
}
