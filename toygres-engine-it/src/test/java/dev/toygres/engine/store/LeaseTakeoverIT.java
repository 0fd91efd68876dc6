package dev.toygres.engine.store;

import static dev.toygres.engine.store.StoreKit.LONG_LEASE;
import static dev.toygres.engine.store.StoreKit.kinds;
import static dev.toygres.engine.store.StoreKit.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.history.HistoryEvent.ActivityCompleted;
import dev.toygres.engine.history.HistoryEvent.Completion;
import dev.toygres.engine.store.internal.ActivityWorkItem;
import dev.toygres.engine.store.internal.OrchestrationWorkItem;
import dev.toygres.engine.store.internal.StepCommit;
import dev.toygres.engine.store.internal.WorkQueues;
import dev.toygres.engine.worker.Registry;
import dev.toygres.testkit.EngineExtension;
import dev.toygres.testkit.EngineFixture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Work leased by a worker that died is taken over after the lease; unexpired leases are respected.
 */
class LeaseTakeoverIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final AtomicInteger runs = new AtomicInteger();
  private final AtomicInteger lastDispatch = new AtomicInteger();
  @RegisterExtension final EngineExtension f = EngineExtension.perMethod().withPoolSize(12);
  private WorkQueues store;
  private Registry registry;

  @BeforeEach
  void setUp() {
    store = WorkQueues.of(f.store());
    registry =
        Registry.builder()
            .activity(
                "echo",
                String.class,
                (ctx, in) -> {
                  runs.incrementAndGet();
                  lastDispatch.set(ctx.dispatchCount());
                  return "echo " + in;
                })
            .orchestration(
                "one",
                String.class,
                (ctx, in) -> ctx.callActivity("echo", in, String.class).await())
            .orchestration(
                "pair",
                String.class,
                (ctx, in) -> {
                  var a = ctx.callActivity("echo", in + "a", String.class);
                  var b = ctx.callActivity("echo", in + "b", String.class);
                  return a.await() + "+" + b.await();
                })
            .build();
  }

  @Test
  void activityLeasedByDeadWorkerIsTakenOverAfterExpiryAndOrchestrationCompletes()
      throws Exception {
    f.client().start("one", "i", "x");
    StoreKit.runNextStep(store, registry);
    ActivityWorkItem dead = StoreKit.awaitActivity(store, "dead-worker", Duration.ofSeconds(1));
    assertThat(dead.dispatchCount()).isEqualTo(1);
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();

    f.startWorker(registry, EngineFixture.testOptions().withMeterRegistry(metrics));

    var info = f.client().waitForCompletion("i", WAIT);
    assertThat(info.status()).isEqualTo(OrchestrationStatus.COMPLETED);
    assertThat(info.output()).isEqualTo("\"echo x\"");
    assertThat(runs.get()).isEqualTo(1);
    assertThat(lastDispatch.get()).as("second dispatch of the item").isEqualTo(2);
    assertThat(metrics.get("toygres.engine.lease.takeovers").counter().count()).isEqualTo(1);
    assertThat(
            metrics
                .get("toygres.engine.activity.duration")
                .tags("activity", "echo", "outcome", "completed")
                .timer()
                .count())
        .isEqualTo(1);
    // counted right after the commit, which the client may see first
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(metrics.get("toygres.engine.commits").counter().count())
                    .as("the step that completed the orchestration")
                    .isEqualTo(1));
  }

  @Test
  void aFetchSaysWhetherItTookAnExpiredLeaseOver() {
    f.client().start("one", "i", "t");
    OrchestrationWorkItem first =
        StoreKit.awaitOrchestration(store, "dead-worker", Duration.ofMillis(100));
    OrchestrationWorkItem second = StoreKit.awaitOrchestration(store, "live-worker", LONG_LEASE);

    assertThat(first.takenOver()).isFalse();
    assertThat(second.takenOver()).isTrue();
  }

  @Test
  void orchestrationLeasedByDeadWorkerIsTakenOverAfterExpiry() throws Exception {
    f.client().start("one", "i", "y");
    OrchestrationWorkItem dead =
        StoreKit.awaitOrchestration(store, "dead-worker", Duration.ofSeconds(1));
    assertThat(dead.dispatchCount()).isEqualTo(1);

    f.startWorker(registry);

    var info = f.client().waitForCompletion("i", WAIT);
    assertThat(info.output()).isEqualTo("\"echo y\"");
    assertThat(kinds(f.client().getHistory("i")))
        .containsExactly(
            "ExecutionStarted",
            "OrchestratorStarted",
            "ActivityScheduled",
            "OrchestratorStarted",
            "ActivityCompleted",
            "ExecutionCompleted");
    assertThat(
            text(
                f,
                "SELECT dispatch_count || '/' || coalesce(lock_token::text, 'free') FROM {s}.instances"))
        .isEqualTo("0/free");
  }

  @Test
  void activityUnderUnexpiredLeaseIsNotFetchedByAnotherWorker() {
    f.client().start("one", "i", "z");
    StoreKit.runNextStep(store, registry);
    ActivityWorkItem held = StoreKit.awaitActivity(store, "holder", LONG_LEASE);

    assertThat(store.fetchActivityWorkItems("other", 10, LONG_LEASE)).isEmpty();
    f.startWorker(registry);
    StoreKit.sleep(1500);

    assertThat(runs.get()).isZero();
    assertThat(f.client().getInstance("i").orElseThrow().status())
        .isEqualTo(OrchestrationStatus.RUNNING);
    assertThat(text(f, "SELECT lock_token FROM {s}.activity_queue"))
        .isEqualTo(held.lockToken().toString());
  }

  @Test
  void orchestrationUnderUnexpiredLeaseIsNotFetchedEvenWhenNewMessagesArrive() {
    f.client().start("one", "i", "z");
    OrchestrationWorkItem held = StoreKit.awaitOrchestration(store, "holder", LONG_LEASE);
    f.client().raiseEvent("i", "extra", 1);

    assertThat(store.fetchOrchestrationWorkItem("other", LONG_LEASE)).isEmpty();
    f.startWorker(registry);
    StoreKit.sleep(1500);

    assertThat(f.count("SELECT count(*) FROM {s}.history")).isEqualTo(1);
    assertThat(text(f, "SELECT locked_by || '/' || lock_token FROM {s}.instances"))
        .isEqualTo("holder/" + held.lockToken());
  }

  @Test
  void completionWithLostLeaseIsDroppedAndDoesNotDuplicateHistory() throws Exception {
    f.client().start("one", "i", "w");
    StepCommit first = StoreKit.runNextStep(store, registry);
    ActivityWorkItem lost = StoreKit.awaitActivity(store, "slow", Duration.ofMillis(100));
    ActivityWorkItem taken = StoreKit.awaitActivity(store, "fast", LONG_LEASE);
    assertThat(taken.id()).isEqualTo(lost.id());
    int task = first.activities().get(0).taskId();

    boolean[] late =
        store.completeActivities(List.of(lost), List.of(new ActivityCompleted(task, "\"late\"")));
    boolean[] ok =
        store.completeActivities(List.of(taken), List.of(new ActivityCompleted(task, "\"owner\"")));
    boolean[] again =
        store.completeActivities(List.of(taken), List.of(new ActivityCompleted(task, "\"twice\"")));

    assertThat(lost.takenOver()).isFalse();
    assertThat(taken.takenOver()).isTrue();
    assertThat(late).containsExactly(false);
    assertThat(ok).containsExactly(true);
    assertThat(again).as("the item is gone once completed").containsExactly(false);
    assertThat(f.count("SELECT count(*) FROM {s}.orchestrator_queue WHERE kind = 'EVENT'"))
        .isEqualTo(1);
    f.startWorker(registry);
    assertThat(f.client().waitForCompletion("i", WAIT).output()).isEqualTo("\"owner\"");
    assertThat(f.client().getHistory("i"))
        .filteredOn(r -> r.event() instanceof Completion)
        .hasSize(1);
  }

  @Test
  void batchCompletionReportsPerItemWhetherItsLeaseWasHeld() {
    f.client().start("pair", "i", "p");
    StepCommit step = StoreKit.runNextStep(store, registry);
    ActivityWorkItem a = StoreKit.awaitActivity(store, "w1", Duration.ofMillis(100));
    ActivityWorkItem b = StoreKit.awaitActivity(store, "w1", LONG_LEASE);
    StoreKit.awaitActivity(store, "w2", LONG_LEASE); // takes a over once its lease expired

    boolean[] held =
        store.completeActivities(
            List.of(a, b),
            List.of(
                new ActivityCompleted(a.taskId(), "\"a\""),
                new ActivityCompleted(b.taskId(), "\"b\"")));

    assertThat(held).containsExactly(false, true);
    assertThat(step.activities()).hasSize(2);
    assertThat(f.count("SELECT count(*) FROM {s}.activity_queue")).isEqualTo(1);
    assertThat(text(f, "SELECT data->>'taskId' FROM {s}.orchestrator_queue WHERE kind = 'EVENT'"))
        .isEqualTo(Integer.toString(b.taskId()));
  }

  @Test
  void abandonedActivityIsFetchableAgainWithAHigherDispatchCount() {
    f.client().start("one", "i", "q");
    StoreKit.runNextStep(store, registry);
    ActivityWorkItem first = StoreKit.awaitActivity(store, "w1", LONG_LEASE);

    store.abandonActivity(first, Duration.ZERO);

    List<ActivityWorkItem> again = store.fetchActivityWorkItems("w2", 5, LONG_LEASE);
    assertThat(again).hasSize(1);
    assertThat(again.get(0).id()).isEqualTo(first.id());
    assertThat(again.get(0).dispatchCount()).isEqualTo(2);
    assertThat(again.get(0).takenOver()).as("given back, not expired").isFalse();
    assertThat(again.get(0).lockToken()).isNotEqualTo(first.lockToken());
    assertThat(text(f, "SELECT locked_by FROM {s}.activity_queue")).isEqualTo("w2");
  }
}
