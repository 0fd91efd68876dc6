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
          .orchestration(
              "againInPlace",
              Integer.class,
              (ctx, n) -> {
                if (n < 1) {
                  ctx.continueAsNewInPlace(n + 1);
                }
                return ctx.waitForEvent("never", Integer.class).await();
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
  void continueInPlaceFailingOnItsLastWriteKeepsTheEndedExecutionAndItsHistory() {
    f.client().start("againInPlace", "r", 0);
    StoreKit.Step s = processNext(store, FANOUT);
    assertThat(s.commit().next().inPlace()).isTrue();
    List<OutboundMessage> messages = new ArrayList<>(s.commit().messages());
    messages.add(new OutboundMessage(null, QueueMessage.wake(), null)); // violates NOT NULL

    assertThatThrownBy(() -> store.commitStep(StoreKit.withMessages(s.commit(), messages)))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("23502");

    assertThat(
            column(f, "SELECT execution_id || ':' || status || ':' || input FROM {s}.executions"))
        .containsExactly("1:running:0");
    assertThat(column(f, "SELECT execution_id || ':' || seq || ':' || event_type FROM {s}.history"))
        .containsExactly("1:0:ExecutionStarted");

    store.abandonOrchestrationWorkItem(s.item(), "boom", Duration.ZERO);
    StoreKit.runNextStep(store, FANOUT);
    assertThat(
            column(f, "SELECT execution_id || ':' || status || ':' || input FROM {s}.executions"))
        .as("the second execution took the first one's place")
        .containsExactly("2:running:1");
    assertThat(column(f, "SELECT DISTINCT execution_id::text FROM {s}.history"))
        .containsExactly("2");
    assertThat(text(f, "SELECT execution_id || ':' || status FROM {s}.instances"))
        .isEqualTo("2:running");
  }

  @Test
  void stepsCommittedTogetherWriteAllOfThoseWhoseLeaseIsHeldAndNothingOfTheOthers() {
    f.client().start("fanout", "lost", "in");
    OrchestrationWorkItem dead = StoreKit.awaitOrchestration(store, "dead", Duration.ofMillis(200));
    StepCommit late =
        new dev.toygres.engine.worker.internal.StepProcessor(FANOUT, 10).process(dead);
    StoreKit.sleep(300);
    OrchestrationWorkItem taker = StoreKit.awaitOrchestration(store, "taker", StoreKit.LONG_LEASE);
    assertThat(taker.instanceId()).isEqualTo("lost");
    f.client().start("fanout", "held", "in");
    f.client().start("againInPlace", "r", 0);
    StoreKit.Step one = processNext(store, FANOUT);
    StoreKit.Step two = processNext(store, FANOUT);

    assertThat(store.commitSteps(List.of(late, one.commit(), two.commit())))
        .containsExactly(false, true, true);

    assertThat(f.count("SELECT count(*) FROM {s}.history WHERE instance_id = 'lost'"))
        .as("nothing of the step whose lease was lost")
        .isEqualTo(1);
    assertThat(f.count("SELECT count(*) FROM {s}.activity_queue WHERE instance_id = 'lost'"))
        .isZero();
    assertThat(f.count("SELECT count(*) FROM {s}.instances WHERE instance_id LIKE 'lost%'"))
        .isEqualTo(1);
    assertThat(f.count("SELECT count(*) FROM {s}.history WHERE instance_id = 'held'")).isEqualTo(7);
    assertThat(column(f, "SELECT input FROM {s}.activity_queue WHERE instance_id = 'held'"))
        .containsExactlyInAnyOrder("1", "2");
    assertThat(
            f.count(
                "SELECT count(*) FROM {s}.orchestrator_queue WHERE instance_id = 'held'"
                    + " AND data->>'type' = 'TimerFired'"))
        .isEqualTo(1);
    assertThat(
            column(
                f,
                "SELECT execution_id || ':' || status FROM {s}.executions WHERE instance_id = 'r'"))
        .containsExactly("2:running");
    assertThat(
            column(
                f,
                "SELECT instance_id || ':' || coalesce(lock_token::text, 'none')"
                    + " FROM {s}.instances WHERE instance_id IN ('lost', 'held', 'r') ORDER BY 1"))
        .containsExactly("held:none", "lost:" + taker.lockToken(), "r:none");

    store.commitStep(
        new dev.toygres.engine.worker.internal.StepProcessor(FANOUT, 10).process(taker));
    assertThat(f.count("SELECT count(*) FROM {s}.activity_queue WHERE instance_id = 'lost'"))
        .isEqualTo(2);
  }

  /**
   * The lease keeper renews a batch's leases while its steps commit: the renewal updates their rows
   * first, the commit waits for it, and must still write every step. With a generic plan (as a
   * statement gets once prepared and run often), an update that matched the rows through a join
   * with its arrays and rechecked them after the renewal missed all but the first.
   */
  @Test
  void stepsCommittedWhileTheirLeasesAreBeingRenewedAreAllWritten() throws Exception {
    for (int i = 0; i < 8; i++) {
      f.client().start("againInPlace", "renewed-" + i, 0);
    }
    List<OrchestrationWorkItem> items =
        store.fetchOrchestrationWorkItems("hand", 8, StoreKit.LONG_LEASE);
    assertThat(items).hasSize(8);
    List<StepCommit> commits = new ArrayList<>();
    for (OrchestrationWorkItem item : items) {
      commits.add(new dev.toygres.engine.worker.internal.StepProcessor(FANOUT, 10).process(item));
    }
    // Among many instances, as in a fleet, the update's plan looks the rows up by index.
    f.sql(
        "INSERT INTO {s}.instances (instance_id, name, status)"
            + " SELECT 'ended-' || g, 'fanout', 'completed' FROM generate_series(1, 5000) g");
    f.sql("ANALYZE {s}.instances");
    WorkQueues generic = new WorkQueues(genericPlans(f.pool()), f.store().schema());
    try (java.sql.Connection renewal = f.pool().getConnection()) {
      renewal.setAutoCommit(false);
      try (java.sql.PreparedStatement ps =
          renewal.prepareStatement(
              ("WITH mine AS MATERIALIZED (SELECT instance_id FROM {s}.instances"
                      + " WHERE lock_token = ANY(?) FOR UPDATE SKIP LOCKED)"
                      + " UPDATE {s}.instances x SET locked_until = now() + interval '30 seconds'"
                      + " FROM mine WHERE x.instance_id = mine.instance_id")
                  .replace("{s}", f.store().schema()))) {
        ps.setArray(1, renewal.createArrayOf("uuid", new Object[] {items.get(0).lockToken()}));
        assertThat(ps.executeUpdate()).isEqualTo(8);
      }
      java.util.concurrent.CompletableFuture<boolean[]> committed =
          java.util.concurrent.CompletableFuture.supplyAsync(() -> generic.commitSteps(commits));
      StoreKit.sleep(300);
      assertThat(committed).as("the commit waits for the renewal's row locks").isNotDone();
      renewal.commit();
      boolean[] written = committed.get(30, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(written).as("every step written").containsOnly(true);
    }
    assertThat(f.count("SELECT count(*) FROM {s}.instances WHERE lock_token IS NOT NULL")).isZero();
    assertThat(f.count("SELECT count(*) FROM {s}.executions WHERE execution_id = 2")).isEqualTo(8);
  }

  /** Connections of {@code pool} that always plan statements generically, reset when closed. */
  private static javax.sql.DataSource genericPlans(javax.sql.DataSource pool) {
    return (javax.sql.DataSource)
        java.lang.reflect.Proxy.newProxyInstance(
            StepCommitAtomicityIT.class.getClassLoader(),
            new Class<?>[] {javax.sql.DataSource.class},
            (proxy, method, args) -> {
              if (!method.getName().equals("getConnection") || method.getParameterCount() != 0) {
                return method.invoke(pool, args);
              }
              java.sql.Connection real = pool.getConnection();
              try (java.sql.Statement st = real.createStatement()) {
                st.execute("SET plan_cache_mode = force_generic_plan");
              }
              return java.lang.reflect.Proxy.newProxyInstance(
                  StepCommitAtomicityIT.class.getClassLoader(),
                  new Class<?>[] {java.sql.Connection.class},
                  (p, m, a) -> {
                    if (m.getName().equals("close") && m.getParameterCount() == 0) {
                      try (java.sql.Statement st = real.createStatement()) {
                        st.execute("RESET plan_cache_mode");
                      }
                    }
                    try {
                      return m.invoke(real, a);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                      throw e.getCause();
                    }
                  });
            });
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
