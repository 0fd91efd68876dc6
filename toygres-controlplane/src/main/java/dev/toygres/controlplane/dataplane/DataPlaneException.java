package dev.toygres.controlplane.dataplane;

import dev.toygres.controlplane.ToygresException;

/**
 * The data plane could not carry an operation out on an instance's server or files: which instance
 * (its k8s name, or null when none is concerned yet), which operation ({@code provision}, {@code
 * start}, {@code stop}, {@code password}, ...), and in the message what failed.
 */
public class DataPlaneException extends ToygresException {
  private static final long serialVersionUID = 1L;
  private final String instance;
  private final String operation;

  public DataPlaneException(String instance, String operation, String message) {
    this(instance, operation, message, null);
  }

  public DataPlaneException(String instance, String operation, String message, Throwable cause) {
    super(message, cause);
    this.instance = instance;
    this.operation = operation;
  }

  /** The instance's k8s name, or null. */
  public String instance() {
    return instance;
  }

  /** What the data plane was doing. */
  public String operation() {
    return operation;
  }
}
