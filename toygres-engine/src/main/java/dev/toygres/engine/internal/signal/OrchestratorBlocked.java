package dev.toygres.engine.internal.signal;

/**
 * Thrown inside orchestration code when it awaits an outcome that history does not hold yet; ends
 * the step. Never catch this: it is an {@link Error} so that {@code catch (Exception e)} in
 * orchestration code lets it pass.
 */
public final class OrchestratorBlocked extends Error {
  private static final long serialVersionUID = 1L;
  public static final OrchestratorBlocked INSTANCE = new OrchestratorBlocked();

  private OrchestratorBlocked() {
    super("orchestration is waiting for an outcome that is not in history yet", null, false, false);
  }
}
