package dev.toygres.controlplane;

import java.util.Objects;

/**
 * An operation that the instance's state does not allow, refused before anything was changed: which
 * instance, the state it is in, and the operation refused (as {@code allowed_actions} names it:
 * {@code stop}, {@code delete}, {@code actor.start}, ...).
 */
public class StateConflictException extends ConflictException {
  private static final long serialVersionUID = 1L;
  private final String instance;
  private final String state;
  private final String operation;

  public StateConflictException(String instance, String state, String operation, String message) {
    super(message);
    this.instance = Objects.requireNonNull(instance, "instance");
    this.state = state;
    this.operation = Objects.requireNonNull(operation, "operation");
  }

  /** The instance's name. */
  public String instance() {
    return instance;
  }

  /** What it is in that refuses the operation: its state, or the state of its actor. */
  public String state() {
    return state;
  }

  /** The operation refused. */
  public String operation() {
    return operation;
  }
}
