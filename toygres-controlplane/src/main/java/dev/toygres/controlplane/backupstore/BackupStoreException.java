package dev.toygres.controlplane.backupstore;

import dev.toygres.controlplane.ToygresException;

/** The backup store could not read or write what it keeps for instance {@link #instance()}. */
public class BackupStoreException extends ToygresException {
  private static final long serialVersionUID = 1L;
  private final String instance;

  public BackupStoreException(String instance, String message, Throwable cause) {
    super(message, cause);
    this.instance = instance;
  }

  /** The instance's k8s name. */
  public String instance() {
    return instance;
  }
}
