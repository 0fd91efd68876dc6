package dev.toygres.engine.store.internal;

import dev.toygres.engine.DurableException;
import java.util.UUID;

/**
 * A worker tried to commit a step under a lease that had expired and been taken by another worker.
 * Nothing is written; the other worker's step counts.
 */
public final class LeaseLostException extends DurableException {
  private static final long serialVersionUID = 1L;
  private final String instanceId;
  private final int executionId;
  private final UUID lockToken;

  public LeaseLostException(String instanceId, int executionId, UUID lockToken) {
    super(
        "lease on instance '"
            + instanceId
            + "' (execution "
            + executionId
            + ", lock token "
            + lockToken
            + ") was lost before its step committed; the worker that holds it now runs the step");
    this.instanceId = instanceId;
    this.executionId = executionId;
    this.lockToken = lockToken;
  }

  public String instanceId() {
    return instanceId;
  }

  public int executionId() {
    return executionId;
  }

  /** The token of the lost lease. */
  public UUID lockToken() {
    return lockToken;
  }
}
