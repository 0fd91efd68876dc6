package dev.toygres.engine.store;

import static dev.toygres.engine.store.StoreKit.column;
import static dev.toygres.engine.store.StoreKit.processNext;
import static dev.toygres.engine.store.StoreKit.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toygres.engine.store.internal.LeaseLostException;
import dev.toygres.engine.store.internal.OrchestrationWorkItem;
import dev.toygres.engine.store.internal.OutboundMessage;
import dev.toygres.engine.store.internal.QueueMessage;
import dev.toygres.engine.store.internal.StepCommit;
import dev.toygres.engine.store.internal.WorkQueues;
import dev.toygres.engine.worker.Registry;
import dev.toygres.testkit.EngineExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A step's history, consumed messages, activities, timers and new instances commit together or not
 * at all.
 */
class StepCommitAtomicityIT {
  @RegisterExtension final EngineExtension f = EngineExtension.perMethod().withPoolSize(6);
  private WorkQueues store;

  /** One step schedules two activities, a timer, a detached start and a sub-orchestration. */
  private static final Registry FANOUT =
      Registry.builder()
          .orchestration(
              "fanout",
              String.class,
              (ctx, in) -> {
                ctx.callActivity("work", 1, Integer.class);
                ctx.callActivity("work", 2, Integer.class);
                ctx.createTimer(Duration.ofHours(1));
                ctx.startOrchestration("child", ctx.instanceId() + "-detached", "d");
                ctx.callSubOrchestration("child", "s", String.class);
                return ctx.waitForEvent("never", String.class).await();
              })
          .orchestration("child", String.class, (ctx, in) -> in)
          .orchestration(
              "again",
              Integer.class,
              (ctx, n) -> {
                if (n < 1) {
                  ctx.continueAsNew(n + 1);
                }
                return n;
              })
          .build();

  @BeforeEach
  void setUp() {
    store = WorkQueues.of(f.store());
  }

  @Test
  void committedStepWritesHistoryActivitiesTimerAndNewInstancesTogether() {
    f.client().start("fanout", "p", "in");
    StoreKit.Step s = processNext(store, FANOUT);
    assertThat(f.count("SELECT count(*) FROM {s}.activity_queue")).isZero();
    assertThat(f.count("SELECT count(*) FROM {s}.instances")).isEqualTo(1);

    store.commitStep(s.commit());

    assertThat(StoreKit.kinds(f.client().getHistory("p")))
        .containsExactly(
            "ExecutionStarted",
            "OrchestratorStarted",
            "ActivityScheduled",
            "ActivityScheduled",
            "TimerCreated",
            "DetachedStartScheduled",
            "SubOrchestrationScheduled");
    assertThat(
            column(
                f,
                "SELECT task_id || ':' || input FROM {s}.activity_queue WHERE instance_id = 'p' ORDER BY task_id"))
        .containsExactly("0:1", "1:2");
    assertThat(
            f.count(
                "SELECT count(*) FROM {s}.orchestrator_queue WHERE instance_id = 'p' AND kind = 'EVENT'"
                    + " AND data->>'type' = 'TimerFired' AND visible_at > now() + interval '50 minutes'"))
        .isEqualTo(1);
    assertThat(
            f.count(
                "SELECT count(*) FROM {s}.orchestrator_queue WHERE instance_id = 'p' AND kind = 'WAKE'"))
        .as("the wake-up message is consumed")
        .isZero();
    assertThat(
            f.count(
                "SELECT count(*) FROM {s}.orchestrator_queue WHERE instance_id = 'p'"
                    + " AND data->>'type' = 'DetachedStartCompleted' AND data->>'failure' IS NULL"))
        .as("the detached start reports success to its starter")
        .isEqualTo(1);
    assertThat(
            column(
                f,
                "SELECT instance_id || '/' || coalesce(parent_instance_id, '-') || '/' || status"
                    + " FROM {s}.instances WHERE instance_id <> 'p' ORDER BY instance_id"))
        .containsExactly("p-detached/-/running", "p:1:4/p/running");
    assertThat(
            f.count(
                "SELECT count(*) FROM {s}.executions WHERE instance_id IN ('p:1:4', 'p-detached')"))
        .isEqualTo(2);
    assertThat(
            f.count(
                "SELECT count(*) FROM {s}.orchestrator_queue WHERE instance_id IN ('p:1:4', 'p-detached')"
                    + " AND kind = 'WAKE'"))
        .isEqualTo(2);
    assertThat(
            text(
                f,
                "SELECT coalesce(lock_token::text, 'none') || '/' || version FROM {s}.instances WHERE instance_id = 'p'"))
        .isEqualTo("none/1");
  }

  @Test
  void commitWithStaleLockTokenWritesNothingAndThrowsLeaseLost() {
    f.client().start("fanout", "p", "in");
    OrchestrationWorkItem dead = StoreKit.awaitOrchestration(store, "dead", Duration.ofMillis(200));
    StepCommit late =
        new dev.toygres.engine.worker.internal.StepProcessor(FANOUT, 10).process(dead);
    OrchestrationWorkItem taker = StoreKit.awaitOrchestration(store, "taker", StoreKit.LONG_LEASE);
    assertThat(taker.lockToken()).isNotEqualTo(dead.lockToken());

    assertThatThrownBy(() -> store.commitStep(late))
        .isInstanceOf(LeaseLostException.class)
        .hasMessageContaining("'p'");

    assertThat(f.count("SELECT count(*) FROM {s}.history WHERE instance_id = 'p'")).isEqualTo(1);
    assertThat(f.count("SELECT count(*) FROM {s}.activity_queue")).isZero();
    assertThat(f.count("SELECT count(*) FROM {s}.instances")).isEqualTo(1);
    assertThat(
            f.count(
                "SELECT count(*) FROM {s}.orchestrator_queue WHERE instance_id = 'p' AND kind = 'WAKE'"))
        .isEqualTo(1);
    assertThat(
            text(
                f,
                "SELECT lock_token::text || '/' || locked_by FROM {s}.instances WHERE instance_id = 'p'"))
        .isEqualTo(taker.lockToken() + "/taker");
    store.commitStep(
        new dev.toygres.engine.worker.internal.StepProcessor(FANOUT, 10).process(taker));
    assertThat(f.count("SELECT count(*) FROM {s}.activity_queue")).isEqualTo(2);
  }

  @Test
  void sameStepCannotBeCommittedTwice() {
    f.client().start("fanout", "p", "in");
    StoreKit.Step s = processNext(store, FANOUT);
    store.commitStep(s.commit());
    long history = f.count("SELECT count(*) FROM {s}.history");

    assertThatThrownBy(() -> store.commitStep(s.commit())).isInstanceOf(LeaseLostException.class);

    assertThat(f.count("SELECT count(*) FROM {s}.history")).isEqualTo(history);
    assertThat(f.count("SELECT count(*) FROM {s}.activity_queue")).isEqualTo(2);
    assertThat(f.count("SELECT count(*) FROM {s}.instances")).isEqualTo(3);
  }

  @Test
  void stepFailingOnHistoryKeyLeavesInstanceQueuesAndHistoryUnchanged() {
    f.client().start("fanout", "p", "in");
    StoreKit.Step s = processNext(store, FANOUT);

    assertThatThrownBy(() -> store.commitStep(StoreKit.withFirstSeq(s.commit(), 0)))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("23505");

    assertThat(f.count("SELECT count(*) FROM {s}.history")).isEqualTo(1);
    assertThat(f.count("SELECT count(*) FROM {s}.activity_queue")).isZero();
    assertThat(f.count("SELECT count(*) FROM {s}.instances")).isEqualTo(1);
    assertThat(f.count("SELECT count(*) FROM {s}.orchestrator_queue WHERE kind = 'WAKE'"))
        .isEqualTo(1);
    assertThat(
            text(
                f,
                "SELECT status || '/' || coalesce(version, 'unresolved') || '/' || lock_token"
                    + " FROM {s}.instances WHERE instance_id = 'p'"))
        .as("still leased by the failed step")
        .isEqualTo("running/unresolved/" + s.item().lockToken());
    assertThat(store.fetchOrchestrationWorkItem("other", StoreKit.LONG_LEASE)).isEmpty();
  }

  @Test
  void failedStepIsReleasedByAbandonAndThenCommitsNormally() {
    f.client().start("fanout", "p", "in");
    StoreKit.Step s = processNext(store, FANOUT);
    assertThatThrownBy(() -> store.commitStep(StoreKit.withFirstSeq(s.commit(), 0)))
        .isInstanceOf(StoreException.class);

    store.abandonOrchestrationWorkItem(s.item(), "boom", Duration.ZERO);

    OrchestrationWorkItem again = StoreKit.awaitOrchestration(store, "second", StoreKit.LONG_LEASE);
    assertThat(again.dispatchCount()).isEqualTo(2);
    assertThat(again.lastError()).isEqualTo("boom");
    assertThat(again.messages()).hasSize(1);
    store.commitStep(
        new dev.toygres.engine.worker.internal.StepProcessor(FANOUT, 10).process(again));
    assertThat(f.count("SELECT count(*) FROM {s}.history WHERE instance_id = 'p'")).isEqualTo(7);
    assertThat(f.count("SELECT dispatch_count FROM {s}.instances WHERE instance_id = 'p'"))
        .isZero();
  }

  @Test
  void stepFailingOnItsLastWriteRollsBackActivitiesTimersAndNewInstances() {
    f.client().start("fanout", "p", "in");
    StoreKit.Step s = processNext(store, FANOUT);
    List<OutboundMessage> messages = new ArrayList<>(s.commit().messages());
    messages.add(
        new OutboundMessage(null, QueueMessage.wake(), null)); // violates NOT NULL, written last

    assertThatThrownBy(() -> store.commitStep(StoreKit.withMessages(s.commit(), messages)))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("23502");

    assertThat(f.count("SELECT count(*) FROM {s}.activity_queue")).isZero();
    assertThat(f.count("SELECT count(*) FROM {s}.instances"))
        .as("no child or detached instance")
        .isEqualTo(1);
    assertThat(f.count("SELECT count(*) FROM {s}.executions")).isEqualTo(1);
    assertThat(f.count("SELECT count(*) FROM {s}.history")).isEqualTo(1);
    assertThat(column(f, "SELECT kind FROM {s}.orchestrator_queue")).containsExactly("WAKE");
  }

  @Test
  void continueAsNewFailingOnNextExecutionKeepsTheCurrentExecutionUntouched() {
    f.client().start("again", "c", 0);
    StoreKit.Step s = processNext(store, FANOUT);
    StepCommit ok = s.commit();
    assertThat(ok.next()).isNotNull();
    StepCommit.NextExecution clash =
        new StepCommit.NextExecution(
            1,
            ok.next().name(),
            ok.next().version(),
            ok.next().input(),
            ok.next().initialHistory());
    StepCommit bad =
        new StepCommit(
            ok.instanceId(),
            ok.lockToken(),
            ok.executionId(),
            ok.firstSeq(),
            ok.appended(),
            ok.consumed(),
            ok.status(),
            ok.version(),
            ok.output(),
            ok.failure(),
            ok.customStatus(),
            ok.customStatusSet(),
            clash,
            ok.activities(),
            ok.messages(),
            ok.newInstances());

    assertThatThrownBy(() -> store.commitStep(bad)).isInstanceOf(StoreException.class);

    assertThat(column(f, "SELECT execution_id || ':' || status FROM {s}.executions"))
        .containsExactly("1:running");
    assertThat(text(f, "SELECT execution_id || ':' || status FROM {s}.instances"))
        .isEqualTo("1:running");
    assertThat(f.count("SELECT count(*) FROM {s}.history")).isEqualTo(1);
    assertThat(f.count("SELECT count(*) FROM {s}.orchestrator_queue")).isEqualTo(1);

    store.abandonOrchestrationWorkItem(s.item(), "clash", Duration.ZERO);
    StoreKit.runNextStep(store, FANOUT);
    assertThat(column(f, "SELECT execution_id || ':' || status FROM {s}.executions ORDER BY 1"))
        .containsExactly("1:continued_as_new", "2:running");
  }

  @Test
  void messageArrivingDuringAStepIsNotConsumedByIt() {
    f.client().start("fanout", "p", "in");
    StoreKit.Step s = processNext(store, FANOUT);
    f.client().raiseEvent("p", "never", "late");

    store.commitStep(s.commit());

    assertThat(
            column(
                f,
                "SELECT data->>'name' FROM {s}.orchestrator_queue WHERE instance_id = 'p'"
                    + " AND data->>'type' = 'EventRaised'"))
        .containsExactly("never");
    Optional<OrchestrationWorkItem> next;
    do {
      next = store.fetchOrchestrationWorkItem("w", StoreKit.LONG_LEASE);
    } while (next.isPresent() && !next.get().instanceId().equals("p"));
    assertThat(next).as("p has the event to process").isPresent();
    assertThat(next.get().messages()).extracting(m -> m.event().kind()).contains("EventRaised");
  }
}
