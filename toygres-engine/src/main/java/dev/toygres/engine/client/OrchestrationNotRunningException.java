package dev.toygres.engine.client;

import dev.toygres.engine.DurableException;

/** Thrown when the instance has ended, so it takes no events or cancellation. */
public class OrchestrationNotRunningException extends DurableException {
  private static final long serialVersionUID = 1L;
  private final String instanceId;

  public OrchestrationNotRunningException(String instanceId, String message) {
    super(message);
    this.instanceId = instanceId;
  }

  /** The instance id the caller named. */
  public String instanceId() {
    return instanceId;
  }
}
