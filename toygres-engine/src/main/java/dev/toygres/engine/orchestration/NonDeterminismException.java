package dev.toygres.engine.orchestration;

import dev.toygres.engine.DurableException;

/**
 * The orchestration code did something other than what its history records. The instance fails with
 * this error. It names the instance, the execution, the position in history, what history expected
 * there and what the code did, and how to recover.
 */
public class NonDeterminismException extends DurableException {
  /** What to do about it, the last line of every message. */
  public static final String REMEDY =
      "deploy the previous code for running instances, or register the change as a new"
          + " orchestration version; see docs/engine.md#versions";

  private static final long serialVersionUID = 1L;
  private final String instanceId;
  private final int executionId;
  private final int eventIndex;
  private final String expected;
  private final String actual;

  /**
   * @param eventIndex the position of the event in the execution's history (its sequence number; 0
   *     is {@code ExecutionStarted})
   * @param expected what history holds there, e.g. {@code activity 'charge' as task 2}
   * @param actual what the code did instead, e.g. {@code scheduled timer} or {@code did not
   *     schedule it}
   */
  public NonDeterminismException(
      String instanceId, int executionId, int eventIndex, String expected, String actual) {
    super(
        "nondeterminism in instance '"
            + instanceId
            + "' execution "
            + executionId
            + " at history event "
            + eventIndex
            + ": history has "
            + expected
            + ", but the code "
            + actual
            + ". To recover: "
            + REMEDY);
    this.instanceId = instanceId;
    this.executionId = executionId;
    this.eventIndex = eventIndex;
    this.expected = expected;
    this.actual = actual;
  }

  public String instanceId() {
    return instanceId;
  }

  public int executionId() {
    return executionId;
  }

  /** The position in the execution's history (sequence number) where code and history parted. */
  public int eventIndex() {
    return eventIndex;
  }

  /** What history holds at {@link #eventIndex()}, e.g. {@code activity 'charge' as task 2}. */
  public String expected() {
    return expected;
  }

  /** What the code did instead, e.g. {@code scheduled timer} or {@code did not schedule it}. */
  public String actual() {
    return actual;
  }
}
