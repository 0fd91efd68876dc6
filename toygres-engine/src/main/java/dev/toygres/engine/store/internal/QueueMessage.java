package dev.toygres.engine.store.internal;

import dev.toygres.engine.history.HistoryEvent;
import java.util.Objects;

/**
 * A message waiting for an orchestration instance.
 *
 * @param id queue id (ascending in arrival order), 0 for a message not yet stored
 * @param executionId the execution it is for, or null for whichever runs (events, cancel, wake)
 * @param kind what it is
 * @param event the event to append, for {@link Kind#EVENT}
 * @param reason the reason, for {@link Kind#CANCEL}
 */
public record QueueMessage(
    long id, Integer executionId, Kind kind, HistoryEvent event, String reason) {

  /** Message kinds. */
  public enum Kind {
    /** Carries a history event (a completion, a timer, an external event). */
    EVENT,
    /** Asks the instance to cancel. */
    CANCEL,
    /** Only asks for a step (a new or continued execution). */
    WAKE
  }

  public QueueMessage {
    Objects.requireNonNull(kind, "kind");
    if (kind == Kind.EVENT) {
      Objects.requireNonNull(event, "event");
    }
  }

  public static QueueMessage event(Integer executionId, HistoryEvent event) {
    return new QueueMessage(0, executionId, Kind.EVENT, event, null);
  }

  public static QueueMessage cancel(String reason) {
    return new QueueMessage(0, null, Kind.CANCEL, null, reason);
  }

  public static QueueMessage wake() {
    return new QueueMessage(0, null, Kind.WAKE, null, null);
  }
}
