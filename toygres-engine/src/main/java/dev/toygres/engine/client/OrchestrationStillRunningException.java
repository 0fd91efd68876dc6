package dev.toygres.engine.client;

import dev.toygres.engine.DurableException;

/** Thrown when the instance has not ended, so it cannot be deleted. */
public class OrchestrationStillRunningException extends DurableException {
  private static final long serialVersionUID = 1L;
  private final String instanceId;

  public OrchestrationStillRunningException(String instanceId, String message) {
    super(message);
    this.instanceId = instanceId;
  }

  /** The instance id the caller named. */
  public String instanceId() {
    return instanceId;
  }
}
