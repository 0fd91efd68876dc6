package dev.toygres.engine.store;

import static dev.toygres.engine.store.StoreKit.LONG_LEASE;
import static dev.toygres.engine.store.StoreKit.column;
import static dev.toygres.engine.store.StoreKit.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.store.internal.OrchestrationWorkItem;
import dev.toygres.engine.store.internal.StepCommit;
import dev.toygres.engine.store.internal.WorkQueues;
import dev.toygres.engine.worker.DurableWorker;
import dev.toygres.engine.worker.Registry;
import dev.toygres.engine.worker.WorkerOptions;
import dev.toygres.engine.worker.internal.StepProcessor;
import dev.toygres.testkit.EngineExtension;
import dev.toygres.testkit.EngineFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Step affinity ({@code WorkerOptions.stepAffinity}): the timer a step writes for its own instance
 * waits for the worker that ran the step, and any other worker takes it once it has been due for
 * the affinity (the worker is gone or behind). Messages from elsewhere are for any worker.
 */
class StepAffinityIT {
  @RegisterExtension final EngineExtension f = EngineExtension.perMethod().withPoolSize(8);

  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final Duration ALL_SINCE = Duration.ofMinutes(5);

  /** {@code n} timers of 300 ms one after the other, then an event "go"; returns n. */
  private static final Registry TICKS =
      Registry.builder()
          .orchestration(
              "ticks",
              Integer.class,
              (ctx, n) -> {
                for (int i = 0; i < n; i++) {
                  ctx.createTimer(Duration.ofMillis(300)).await();
                }
                ctx.waitForEvent("go", String.class).await();
                return n;
              })
          .build();

  @Test
  void aTimerAStepWroteWaitsForItsWorkerUntilDueForTheAffinityThenAnyWorkerTakesIt() {
    WorkQueues queues = WorkQueues.of(f.store());
    f.client().start("ticks", "a", 2);
    assertThat(stickyTo("a")).as("the start comes from outside: any worker").containsOnlyNulls();

    step(one(queues.fetchOrchestrationWorkItems("w1", 10, LONG_LEASE, MINUTE)));
    assertThat(stickyTo("a")).as("the first timer, written by w1's step").containsExactly("w1");
    Instant due = awaitDue("a");

    assertThat(queues.fetchOrchestrationWorkItems("w2", 10, LONG_LEASE, MINUTE))
        .as("another worker leaves it to w1 for the affinity")
        .isEmpty();
    assertThat(queues.nextOrchestrationVisibleAt("w2", MINUTE, ALL_SINCE))
        .as("w2 may take it a minute after it is due")
        .contains(due.plus(MINUTE));
    assertThat(queues.nextOrchestrationVisibleAt("w1", MINUTE, ALL_SINCE))
        .as("w1 may take it now")
        .contains(due);
    assertThat(queues.nextOrchestrationVisibleAt(ALL_SINCE))
        .as("without a worker or an affinity: when it became due")
        .contains(due);

    step(one(queues.fetchOrchestrationWorkItems("w1", 10, LONG_LEASE, MINUTE)));
    assertThat(stickyTo("a")).containsExactly("w1");
    Duration affinity = Duration.ofMillis(500);
    Instant due2 = awaitDue("a");
    await("the second timer has been due for the affinity")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> !now().isBefore(due2.plus(affinity)));

    // w1 is gone (or behind): w2 takes the instance over, and the step's messages are now its.
    OrchestrationWorkItem taken =
        one(queues.fetchOrchestrationWorkItems("w2", 10, LONG_LEASE, affinity));
    assertThat(taken.instanceId()).isEqualTo("a");
    step(taken);
    assertThat(stickyTo("a")).as("waiting for the event: no message").isEmpty();

    f.client().raiseEvent("a", "go", "now");
    assertThat(stickyTo("a")).as("an event raised from outside: any worker").containsOnlyNulls();
    step(one(queues.fetchOrchestrationWorkItems("w1", 10, LONG_LEASE, MINUTE)));
    assertThat(f.client().getInstance("a").orElseThrow().status())
        .isEqualTo(OrchestrationStatus.COMPLETED);
  }

  @Test
  void aWorkerFetchesWhatIsLeftToItBeforeWhatItMayTakeFromAnother() {
    WorkQueues queues = WorkQueues.of(f.store());
    Duration affinity = Duration.ofMillis(200);
    f.client().start("ticks", "theirs", 1);
    step(one(queues.fetchOrchestrationWorkItems("w2", 1, LONG_LEASE, affinity)));
    f.client().start("ticks", "mine", 1);
    step(one(queues.fetchOrchestrationWorkItems("w1", 1, LONG_LEASE, affinity)));
    Instant theirs = awaitDue("theirs");
    Instant mine = awaitDue("mine");
    assertThat(theirs).as("w2's timer is the older").isBefore(mine);
    await("both timers have been due for the affinity")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> !now().isBefore(mine.plus(affinity)));

    assertThat(one(queues.fetchOrchestrationWorkItems("w1", 1, LONG_LEASE, affinity)).instanceId())
        .as("its own first, though the other is older")
        .isEqualTo("mine");
    assertThat(one(queues.fetchOrchestrationWorkItems("w1", 1, LONG_LEASE, affinity)).instanceId())
        .as("then the one it may take from w2")
        .isEqualTo("theirs");
  }

  @Test
  void withAffinityAnIdleWorkerLeavesTheInstancesAnotherStepsAndEachInstanceKeepsItsWorker()
      throws Exception {
    Map<String, Set<String>> ranOn = new ConcurrentHashMap<>();
    WorkerOptions options = EngineFixture.testOptions().withStepAffinity(MINUTE);
    f.startWorker(recording("right", ranOn), options.withWorkerId("right"));
    int instances = 12;
    for (int i = 0; i < instances; i++) {
      f.client().start("loop", "early-" + i, 8);
    }
    await("every early instance has run a step on right")
        .atMost(MINUTE)
        .until(() -> ranOn.size() == instances);
    f.startWorker(recording("left", ranOn), options.withWorkerId("left"));
    for (int i = 0; i < instances; i++) {
      f.client().start("loop", "late-" + i, 8);
    }
    for (int i = 0; i < instances; i++) {
      assertThat(f.client().waitForCompletion("early-" + i, MINUTE).output()).isEqualTo("8");
      assertThat(f.client().waitForCompletion("late-" + i, MINUTE).output()).isEqualTo("8");
    }

    assertThat(ranOn).hasSize(2 * instances);
    assertThat(ranOn)
        .as("the workers each instance's 9 steps ran on")
        .allSatisfy(
            (id, workers) -> {
              if (id.startsWith("early-")) {
                assertThat(workers).containsExactly("right");
              } else {
                assertThat(workers).hasSize(1);
              }
            });
  }

  @Test
  void theInstancesOfAWorkerThatStoppedAreTakenOverOnceTheirStepsHaveWaitedTheAffinity()
      throws Exception {
    Map<String, Set<String>> ranOn = new ConcurrentHashMap<>();
    WorkerOptions options = EngineFixture.testOptions().withStepAffinity(Duration.ofSeconds(1));
    DurableWorker left = f.startWorker(recording("left", ranOn), options.withWorkerId("left"));
    int instances = 12;
    for (int i = 0; i < instances; i++) {
      f.client().start("loop", "loop-" + i, 60);
    }
    await("every instance has run a step on left")
        .atMost(MINUTE)
        .until(() -> ranOn.size() == instances);
    f.startWorker(recording("right", ranOn), options.withWorkerId("right"));
    left.close();
    List<String> unfinished =
        column(f, "SELECT instance_id FROM {s}.instances WHERE status = 'running'");
    assertThat(unfinished).as("instances left unfinished by left").isNotEmpty();

    for (int i = 0; i < instances; i++) {
      assertThat(f.client().waitForCompletion("loop-" + i, MINUTE).output()).isEqualTo("60");
    }
    assertThat(unfinished)
        .as("each was finished by right, though its timers were left's")
        .allSatisfy(id -> assertThat(ranOn.get(id)).containsExactlyInAnyOrder("left", "right"));
  }

  /** "loop": {@code n} timers of 50 ms; records the worker of every step it runs. */
  private static Registry recording(String worker, Map<String, Set<String>> ranOn) {
    return Registry.builder()
        .orchestration(
            "loop",
            Integer.class,
            (ctx, n) -> {
              ranOn
                  .computeIfAbsent(ctx.instanceId(), k -> ConcurrentHashMap.newKeySet())
                  .add(worker);
              for (int i = 0; i < n; i++) {
                ctx.createTimer(Duration.ofMillis(50)).await();
                ranOn.get(ctx.instanceId()).add(worker);
              }
              return n;
            })
        .build();
  }

  private static OrchestrationWorkItem one(List<OrchestrationWorkItem> items) {
    assertThat(items).hasSize(1);
    return items.get(0);
  }

  private void step(OrchestrationWorkItem item) {
    StepCommit commit = new StepProcessor(TICKS, 10).process(item);
    WorkQueues.of(f.store()).commitStep(commit);
  }

  private List<String> stickyTo(String instanceId) {
    return column(
        f,
        "SELECT sticky_to FROM {s}.orchestrator_queue WHERE instance_id = '"
            + instanceId
            + "' ORDER BY id");
  }

  /** Waits until the instance's one queued message is due; returns when it became due. */
  private Instant awaitDue(String instanceId) {
    Instant due =
        instant(
            "SELECT visible_at FROM {s}.orchestrator_queue WHERE instance_id = '"
                + instanceId
                + "'");
    await("the timer is due")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> !now().isBefore(due));
    return due;
  }

  private Instant now() {
    return instant("SELECT clock_timestamp()");
  }

  /** The timestamptz the query returns, read exactly (to the microsecond). */
  private Instant instant(String sql) {
    return Instant.parse(
        text(
            f,
            "SELECT to_char(("
                + sql
                + ") AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"));
  }
}
