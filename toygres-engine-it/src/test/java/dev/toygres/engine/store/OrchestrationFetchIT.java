package dev.toygres.engine.store;

import static dev.toygres.engine.store.StoreKit.LONG_LEASE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.engine.store.internal.OrchestrationWorkItem;
import dev.toygres.engine.store.internal.QueueMessage;
import dev.toygres.engine.store.internal.WorkQueues;
import dev.toygres.testkit.EngineExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What one orchestration fetch leases: distinct instances, those with the oldest due message first,
 * each with all its due messages however many it has, passing over instances another fetch holds.
 * The fetch looks up and locks instances one by one and stops when the batch is full
 * (docs/engine.md), so these pin what that walk must keep of the fetch that looked up every
 * instance of its head first.
 */
class OrchestrationFetchIT {
  @RegisterExtension final EngineExtension f = EngineExtension.perMethod();

  private static final Duration MINUTE = Duration.ofMinutes(1);

  /** Starts {@code id} (no worker runs it) and raises {@code events} events on it. */
  private void startWithEvents(String id, int events) {
    f.client().start("waits", id, null);
    for (int i = 0; i < events; i++) {
      f.client().raiseEvent(id, "e" + i, i);
    }
  }

  @Test
  void anInstanceWithManyDueMessagesTakesOnePlaceInTheBatchAndGetsThemAll() {
    startWithEvents("a", 3);
    startWithEvents("b", 3);
    startWithEvents("c", 0);
    startWithEvents("d", 0);
    WorkQueues queues = WorkQueues.of(f.store());

    List<OrchestrationWorkItem> batch =
        queues.fetchOrchestrationWorkItems("w1", 3, LONG_LEASE, MINUTE);

    assertThat(batch)
        .extracting(OrchestrationWorkItem::instanceId)
        .as("three instances, oldest first message first, not a's four messages as four places")
        .containsExactly("a", "b", "c");
    assertThat(batch.get(0).messages()).hasSize(4);
    assertThat(batch.get(1).messages()).hasSize(4);
    assertThat(batch.get(2).messages()).hasSize(1);
    assertThat(batch.get(0).messages())
        .extracting(QueueMessage::id)
        .as("in the order they became due")
        .isSorted();
  }

  @Test
  void aFetchPassesOverInstancesAnotherFetchHoldsAndTakesTheNextOnes() {
    for (String id : List.of("a", "b", "c", "d", "e")) {
      startWithEvents(id, 1);
    }
    WorkQueues queues = WorkQueues.of(f.store());

    List<OrchestrationWorkItem> first =
        queues.fetchOrchestrationWorkItems("w1", 2, LONG_LEASE, MINUTE);
    List<OrchestrationWorkItem> second =
        queues.fetchOrchestrationWorkItems("w2", 2, LONG_LEASE, MINUTE);
    List<OrchestrationWorkItem> third =
        queues.fetchOrchestrationWorkItems("w3", 10, LONG_LEASE, MINUTE);

    assertThat(first).extracting(OrchestrationWorkItem::instanceId).containsExactly("a", "b");
    assertThat(second).extracting(OrchestrationWorkItem::instanceId).containsExactly("c", "d");
    assertThat(third)
        .extracting(OrchestrationWorkItem::instanceId)
        .as("only what is left, though the batch has room")
        .containsExactly("e");
    assertThat(queues.fetchOrchestrationWorkItems("w4", 10, LONG_LEASE, MINUTE)).isEmpty();
  }
}
