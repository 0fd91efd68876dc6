package dev.toygres.engine.client;

import java.time.Duration;
import java.util.Objects;

/**
 * The backlog of one of the engine's work queues, read in one statement on the database's clock.
 *
 * @param queue {@code orchestrations} (messages for orchestrations: completions, due timers,
 *     events, starts) or {@code activities} (activity work items)
 * @param ready items visible now and not leased by a live worker: work waiting for a dispatcher
 * @param oldestReadyAge how long the oldest ready item has been visible, or {@link Duration#ZERO}
 *     when none is ready
 */
public record QueueStats(String queue, long ready, Duration oldestReadyAge) {
  public static final String ORCHESTRATIONS = "orchestrations";
  public static final String ACTIVITIES = "activities";

  public QueueStats {
    Objects.requireNonNull(queue, "queue");
    Objects.requireNonNull(oldestReadyAge, "oldestReadyAge");
    if (ready < 0) {
      throw new IllegalArgumentException("ready must not be negative, was " + ready);
    }
  }
}
