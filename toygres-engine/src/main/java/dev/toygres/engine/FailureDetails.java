package dev.toygres.engine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Objects;

/**
 * What went wrong in an activity, sub-orchestration or orchestration, in a form that survives
 * serialization: the exception's class name, its message and a (bounded) stack trace.
 */
public record FailureDetails(String errorType, String message, String stackTrace) {
  private static final int MAX_STACK = 8_000;

  public FailureDetails {
    Objects.requireNonNull(errorType, "errorType");
    message = message == null ? "" : message;
    stackTrace = stackTrace == null ? "" : stackTrace;
  }

  /** Failure details for a thrown exception. */
  public static FailureDetails of(Throwable t) {
    StringWriter sw = new StringWriter();
    t.printStackTrace(new PrintWriter(sw));
    String stack = sw.toString();
    if (stack.length() > MAX_STACK) {
      stack = stack.substring(0, MAX_STACK) + "\n\t... (truncated)";
    }
    String message = t.getMessage() == null ? t.toString() : t.getMessage();
    return new FailureDetails(t.getClass().getName(), message, stack);
  }

  /** Failure details without a stack trace, for failures the engine itself decides. */
  public static FailureDetails of(String errorType, String message) {
    return new FailureDetails(errorType, message, "");
  }

  @Override
  public String toString() {
    return errorType + ": " + message;
  }
}
