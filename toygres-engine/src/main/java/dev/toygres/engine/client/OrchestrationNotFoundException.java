package dev.toygres.engine.client;

import dev.toygres.engine.DurableException;

/** Thrown when no instance has this id. */
public class OrchestrationNotFoundException extends DurableException {
  private static final long serialVersionUID = 1L;
  private final String instanceId;

  public OrchestrationNotFoundException(String instanceId, String message) {
    super(message);
    this.instanceId = instanceId;
  }

  /** The instance id the caller named. */
  public String instanceId() {
    return instanceId;
  }
}
