package dev.toygres.engine.client;

import dev.toygres.engine.DurableException;

/** Thrown when an instance with this id already exists (its status is in the message). */
public class OrchestrationAlreadyExistsException extends DurableException {
  private static final long serialVersionUID = 1L;
  private final String instanceId;

  public OrchestrationAlreadyExistsException(String instanceId, String message) {
    super(message);
    this.instanceId = instanceId;
  }

  /** The instance id the caller named. */
  public String instanceId() {
    return instanceId;
  }
}
