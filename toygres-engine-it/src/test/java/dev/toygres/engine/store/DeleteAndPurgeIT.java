package dev.toygres.engine.store;

import static dev.toygres.engine.store.StoreKit.column;
import static dev.toygres.engine.store.StoreKit.rowsEverywhere;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.client.OrchestrationNotFoundException;
import dev.toygres.engine.client.OrchestrationStillRunningException;
import dev.toygres.engine.history.HistoryEvent.ActivityCompleted;
import dev.toygres.engine.store.internal.ActivityWorkItem;
import dev.toygres.engine.store.internal.OutboundMessage;
import dev.toygres.engine.store.internal.QueueMessage;
import dev.toygres.engine.store.internal.WorkQueues;
import dev.toygres.engine.worker.Registry;
import dev.toygres.testkit.EngineExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * delete and purge remove ended data, everywhere, and never a running instance's current execution.
 */
class DeleteAndPurgeIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final List<String> NOTHING =
      List.of(
          "instances=0", "executions=0", "history=0", "orchestrator_queue=0", "activity_queue=0");
  @RegisterExtension final EngineExtension f = EngineExtension.perMethod().withPoolSize(12);
  private final Registry registry =
      Registry.builder()
          .activity("work", String.class, (ctx, in) -> in)
          .orchestration(
              "job", String.class, (ctx, in) -> ctx.callActivity("work", in, String.class).await())
          .orchestration(
              "loop",
              Integer.class,
              (ctx, n) -> {
                if (n < 2) {
                  ctx.continueAsNew(n + 1);
                }
                return ctx.waitForEvent("end", String.class).await();
              })
          .build();

  @BeforeEach
  void setUp() {}

  /**
   * Leaves ended (cancelled) instances with rows in every table: each one's activity is still
   * leased by a worker, and a late message waits in its queue.
   */
  private void endedInstancesWithLeftovers(String... ids) {
    WorkQueues store = WorkQueues.of(f.store());
    for (String id : ids) {
      f.client().start("job", id, "x");
      StoreKit.runNextStep(store, registry);
    }
    List<ActivityWorkItem> leased =
        StoreKit.awaitActivities(store, "busy-worker", ids.length, StoreKit.LONG_LEASE);
    for (String id : ids) {
      f.client().cancel(id, "enough");
      StoreKit.runNextStep(store, registry);
    }
    for (ActivityWorkItem a : leased) {
      store.send(
          List.of(
              new OutboundMessage(
                  a.instanceId(),
                  QueueMessage.event(1, new ActivityCompleted(a.taskId(), "\"late\"")),
                  null)));
    }
    for (String id : ids) {
      assertThat(f.client().getInstance(id).orElseThrow().status())
          .isEqualTo(OrchestrationStatus.CANCELLED);
      assertThat(rowsEverywhere(f, id)).doesNotContainAnyElementsOf(NOTHING);
    }
  }

  @Test
  void deletingAnEndedInstanceRemovesItsRowsFromEveryTable() {
    endedInstancesWithLeftovers("gone", "gone-not");

    f.client().delete("gone");

    assertThat(rowsEverywhere(f, "gone")).containsExactlyElementsOf(NOTHING);
    assertThat(rowsEverywhere(f, "gone-not")).doesNotContainAnyElementsOf(NOTHING);
    assertThat(f.client().getInstance("gone")).isEmpty();
  }

  @Test
  void deletingACompletedInstanceRemovesAllItsExecutions() throws Exception {
    f.startWorker(registry);
    f.client().start("loop", "l", 0);
    Awaitility.await().atMost(WAIT).until(() -> f.client().listExecutions("l").size() == 3);
    f.client().raiseEvent("l", "end", "bye");
    f.client().waitForCompletion("l", WAIT);

    f.client().delete("l");

    assertThat(rowsEverywhere(f, "l")).containsExactlyElementsOf(NOTHING);
    assertThat(f.client().listExecutions("l")).isEmpty();
  }

  @Test
  void deletingARunningInstanceIsRefusedAndRemovesNothing() {
    f.client().start("job", "r", "x");
    List<String> before = rowsEverywhere(f, "r");

    assertThatThrownBy(() -> f.client().delete("r"))
        .isInstanceOf(OrchestrationStillRunningException.class)
        .hasMessageContaining("'r'")
        .hasMessageContaining("still running");

    assertThat(rowsEverywhere(f, "r")).isEqualTo(before);
  }

  @Test
  void deletingAnUnknownInstanceIsNotFound() {
    assertThatThrownBy(() -> f.client().delete("nobody"))
        .isInstanceOf(OrchestrationNotFoundException.class)
        .hasMessageContaining("'nobody'");
  }

  @Test
  void purgeRemovesOldEndedExecutionsAndInstancesButNotARunningInstancesCurrentExecution()
      throws Exception {
    f.startWorker(registry);
    f.client().start("job", "old-done", "a");
    f.client().start("job", "new-done", "b");
    f.client().start("loop", "old-running", 0);
    f.client().waitForCompletion("old-done", WAIT);
    f.client().waitForCompletion("new-done", WAIT);
    Awaitility.await()
        .atMost(WAIT)
        .until(() -> f.client().listExecutions("old-running").size() == 3);
    f.sql(
        "UPDATE {s}.executions SET completed_at = now() - interval '2 days', started_at = now() - interval '3 days'"
            + " WHERE instance_id IN ('old-done', 'old-running') AND completed_at IS NOT NULL");
    f.sql(
        "UPDATE {s}.instances SET completed_at = now() - interval '2 days' WHERE instance_id = 'old-done'");

    int purged = f.client().purge(Instant.now().minus(Duration.ofDays(1)));

    assertThat(purged).isEqualTo(3);
    assertThat(rowsEverywhere(f, "old-done")).containsExactlyElementsOf(NOTHING);
    assertThat(f.client().listExecutions("old-running"))
        .extracting(e -> e.executionId())
        .containsExactly(3);
    assertThat(
            column(
                f,
                "SELECT DISTINCT execution_id FROM {s}.history WHERE instance_id = 'old-running'"))
        .containsExactly("3");
    assertThat(f.client().listExecutions("new-done")).hasSize(1);
    assertThat(f.client().getHistory("new-done")).isNotEmpty();

    f.client().raiseEvent("old-running", "end", "still works");
    assertThat(f.client().waitForCompletion("old-running", WAIT).output())
        .isEqualTo("\"still works\"");
  }

  @Test
  void purgeWithAnOldCutoffRemovesNothingAndIsRepeatable() throws Exception {
    f.startWorker(registry);
    f.client().start("job", "j", "a");
    f.client().waitForCompletion("j", WAIT);

    assertThat(f.client().purge(Instant.now().minus(Duration.ofHours(1)))).isZero();
    assertThat(rowsEverywhere(f, "j")).contains("instances=1", "executions=1");

    assertThat(f.client().purge(Instant.now().plusSeconds(1))).isEqualTo(1);
    assertThat(f.client().purge(Instant.now().plusSeconds(1))).isZero();
    assertThat(f.client().getInstance("j")).isEmpty();
  }

  @Test
  void purgedInstanceLeavesNoQueueRowsBehind() {
    endedInstancesWithLeftovers("left");

    assertThat(f.client().purge(Instant.now().plusSeconds(1))).isEqualTo(1);

    assertThat(rowsEverywhere(f, "left")).containsExactlyElementsOf(NOTHING);
  }
}
