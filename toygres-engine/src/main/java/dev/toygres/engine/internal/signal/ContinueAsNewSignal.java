package dev.toygres.engine.internal.signal;

/**
 * Thrown by {@code OrchestrationContext.continueAsNew} to end the execution. Never catch this: it
 * is an {@link Error} so that {@code catch (Exception e)} in orchestration code lets it pass.
 */
public final class ContinueAsNewSignal extends Error {
  private static final long serialVersionUID = 1L;
  private final transient Object input;
  private final String version;
  private final boolean inPlace;

  public ContinueAsNewSignal(Object input, String version) {
    this(input, version, false);
  }

  public ContinueAsNewSignal(Object input, String version, boolean inPlace) {
    super("continue-as-new", null, false, false);
    this.input = input;
    this.version = version;
    this.inPlace = inPlace;
  }

  /** Whether the new execution replaces the ended one instead of being kept beside it. */
  public boolean inPlace() {
    return inPlace;
  }

  public Object input() {
    return input;
  }

  /** The requested version, or null for the latest registered one. */
  public String version() {
    return version;
  }
}
