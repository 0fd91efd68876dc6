package dev.toygres.engine.internal.signal;

/**
 * Thrown by {@code OrchestrationContext.continueAsNew} to end the execution. Never catch this: it
 * is an {@link Error} so that {@code catch (Exception e)} in orchestration code lets it pass.
 */
public final class ContinueAsNewSignal extends Error {
  private static final long serialVersionUID = 1L;
  private final transient Object input;
  private final String version;

  public ContinueAsNewSignal(Object input, String version) {
    super("continue-as-new", null, false, false);
    this.input = input;
    this.version = version;
  }

  public Object input() {
    return input;
  }

  /** The requested version, or null for the latest registered one. */
  public String version() {
    return version;
  }
}
