package dev.toygres.controlplane.dataplane;

/**
 * Every port of the instance port range is taken: the instance cannot get a server until instances
 * are deleted or the range is made larger.
 */
public final class NoFreePortException extends DataPlaneException {
  private static final long serialVersionUID = 1L;

  public NoFreePortException(String instance, String message) {
    super(instance, "allocate a port", message);
  }
}
