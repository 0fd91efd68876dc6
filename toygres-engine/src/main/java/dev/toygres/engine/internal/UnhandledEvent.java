package dev.toygres.engine.internal;

import dev.toygres.engine.history.HistoryEvent;

/**
 * The error a dispatch over {@link HistoryEvent} throws for a kind it has no case for. The release
 * is Java 17, where a {@code switch} over a sealed interface cannot yet be exhaustive (pattern
 * matching for {@code switch} is final only in Java 21), so every {@code instanceof} chain over
 * history events ends with this, and a unit test per dispatch feeds it every permitted kind.
 */
public final class UnhandledEvent {
  private UnhandledEvent() {}

  /**
   * @param dispatch the class and method whose chain missed the kind
   */
  public static IllegalStateException in(String dispatch, HistoryEvent event) {
    return new IllegalStateException(
        dispatch
            + " has no case for history event kind "
            + event.kind()
            + " ("
            + event.getClass().getName()
            + "); every kind of HistoryEvent must be handled there");
  }
}
