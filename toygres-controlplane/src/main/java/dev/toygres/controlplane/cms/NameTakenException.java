package dev.toygres.controlplane.cms;

import dev.toygres.controlplane.ConflictException;

/** A live instance already has the name. */
public final class NameTakenException extends ConflictException {
  private static final long serialVersionUID = 1L;
  private final String name;

  public NameTakenException(String name) {
    super("an instance named '" + name + "' already exists");
    this.name = name;
  }

  /** The instance name asked for. */
  public String name() {
    return name;
  }
}
