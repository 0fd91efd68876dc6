package dev.toygres.engine;

/**
 * Status of an orchestration instance or of one of its executions. {@link #CONTINUED_AS_NEW} is
 * only ever the status of a past execution; an instance that continued as new is {@link #RUNNING}.
 * A cancelled instance is {@link #CANCELLED}, never {@link #FAILED}.
 */
public enum OrchestrationStatus {
  RUNNING,
  COMPLETED,
  FAILED,
  CANCELLED,
  CONTINUED_AS_NEW;

  /** Whether no more work will be done for an instance in this status. */
  public boolean isTerminal() {
    return this == COMPLETED || this == FAILED || this == CANCELLED;
  }

  /** The lower-case name stored in the database and shown to people. */
  public String dbName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** Parses {@link #dbName()} (case-insensitive); throws on an unknown name. */
  public static OrchestrationStatus parse(String text) {
    for (OrchestrationStatus s : values()) {
      if (s.name().equalsIgnoreCase(text) || s.name().replace("_", "-").equalsIgnoreCase(text)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "unknown orchestration status '"
            + text
            + "' (expected one of running, completed, failed,"
            + " cancelled, continued_as_new)");
  }
}
