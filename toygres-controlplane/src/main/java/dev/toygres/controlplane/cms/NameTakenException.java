package dev.toygres.controlplane.cms;

/** A live instance already has the name. */
public final class NameTakenException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public NameTakenException(String name) {
    super("an instance named '" + name + "' already exists");
  }
}
