package dev.toygres.engine.client;

/**
 * Options for starting an orchestration.
 *
 * @param version the version to run, or null for the latest registered one
 * @param ifExists what to do when an instance with the id already exists
 */
public record StartOptions(String version, IfExists ifExists) {

  /** What a start does when the instance id is taken. */
  public enum IfExists {
    /** Throw {@link OrchestrationAlreadyExistsException} (the default). */
    FAIL,
    /**
     * Replace the existing instance if it has ended (its history is deleted); throw {@link
     * OrchestrationAlreadyExistsException} if it is still running.
     */
    REPLACE_IF_ENDED
  }

  public StartOptions {
    if (ifExists == null) {
      ifExists = IfExists.FAIL;
    }
  }

  public static StartOptions defaults() {
    return new StartOptions(null, IfExists.FAIL);
  }

  public StartOptions withVersion(String v) {
    return new StartOptions(v, ifExists);
  }

  public StartOptions withIfExists(IfExists e) {
    return new StartOptions(version, e);
  }
}
