package dev.toygres.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toygres.engine.activity.LeaseFence;
import dev.toygres.engine.activity.LeaseLostException;
import dev.toygres.engine.history.HistoryEvent.LocalActivityRecorded;
import dev.toygres.engine.internal.signal.StepAborted;
import dev.toygres.engine.store.internal.OrchestrationWorkItem;
import dev.toygres.engine.store.internal.StepCommit;
import dev.toygres.engine.store.internal.WorkQueues;
import dev.toygres.engine.worker.Registry;
import dev.toygres.engine.worker.internal.LocalActivities;
import dev.toygres.engine.worker.internal.StepProcessor;
import dev.toygres.engine.worker.internal.WorkerMetrics;
import dev.toygres.testkit.EngineExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fence of an orchestration step, which its local activities get as their lease, holds for the
 * worker that holds the instance and for no other: a local activity's fenced write from a worker
 * that lost the instance does not commit, and neither does anything of its step.
 */
class StepFenceIT {
  @RegisterExtension final EngineExtension f = EngineExtension.perMethod().withPoolSize(8);
  private WorkQueues store;
  private LocalActivities local;
  private StepProcessor steps;

  @BeforeEach
  void setUp() {
    store = WorkQueues.of(f.store());
    f.sql("CREATE TABLE " + f.schema() + ".checks (instance_id text NOT NULL, n int NOT NULL)");
    String insert = "INSERT INTO " + f.schema() + ".checks (instance_id, n) SELECT ?, ? FROM fence";
    Registry registry =
        Registry.builder()
            .activity(
                "record",
                Integer.class,
                (ctx, n) -> {
                  LeaseFence.Query q = ctx.lease().asQuery().orElseThrow();
                  try (Connection c = f.store().dataSource().getConnection();
                      PreparedStatement ps =
                          c.prepareStatement("WITH fence AS (" + q.sql() + ") " + insert)) {
                    for (int i = 0; i < q.params().size(); i++) {
                      ps.setObject(i + 1, q.params().get(i));
                    }
                    ps.setString(q.params().size() + 1, ctx.instanceId());
                    ps.setInt(q.params().size() + 2, n);
                    if (ps.executeUpdate() == 0) {
                      throw new LeaseLostException("recording check " + n + ": lease lost");
                    }
                  }
                  return n;
                })
            .activity("echo", Integer.class, (ctx, n) -> n)
            .orchestration(
                "plain",
                Integer.class,
                (ctx, n) -> ctx.callLocalActivity("echo", n, Integer.class).await())
            .orchestration(
                "checker",
                Integer.class,
                (ctx, n) -> ctx.callLocalActivity("record", n, Integer.class).await())
            .build();
    local = new LocalActivities(registry, store::fenceOf, Duration.ofSeconds(30));
    steps = new StepProcessor(registry, 10, WorkerMetrics.NONE, local);
  }

  @AfterEach
  void tearDown() {
    local.close();
  }

  private boolean holds(LeaseFence fence) throws SQLException {
    try (Connection c = f.store().dataSource().getConnection()) {
      c.setAutoCommit(false);
      try {
        return fence.holdsIn(c);
      } finally {
        c.rollback();
      }
    }
  }

  private boolean holdsAsQuery(LeaseFence fence) throws SQLException {
    LeaseFence.Query q = fence.asQuery().orElseThrow();
    try (Connection c = f.store().dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(q.sql())) {
      c.setAutoCommit(false);
      for (int i = 0; i < q.params().size(); i++) {
        ps.setObject(i + 1, q.params().get(i));
      }
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      } finally {
        c.rollback();
      }
    }
  }

  @Test
  void theStepsFenceHoldsForItsHolderUntilTakenOverThenOnlyForTheNewHolder() throws Exception {
    f.client().start("checker", "i", 7);
    OrchestrationWorkItem first =
        StoreKit.awaitOrchestration(store, "paused", Duration.ofMillis(500));
    assertThat(holds(store.fenceOf(first))).isTrue();
    assertThat(holdsAsQuery(store.fenceOf(first))).isTrue();

    StoreKit.sleep(700);
    assertThat(holds(store.fenceOf(first))).as("lease ran out").isFalse();
    OrchestrationWorkItem second = StoreKit.awaitOrchestration(store, "other", StoreKit.LONG_LEASE);

    assertThat(holds(store.fenceOf(first))).as("taken over").isFalse();
    assertThat(holdsAsQuery(store.fenceOf(first))).as("taken over").isFalse();
    assertThat(holds(store.fenceOf(second))).isTrue();
    assertThat(holdsAsQuery(store.fenceOf(second))).isTrue();
    try (Connection c = f.store().dataSource().getConnection()) {
      c.setAutoCommit(false);
      assertThatThrownBy(() -> store.fenceOf(first).ensureHeldIn(c, "recording x"))
          .isInstanceOf(LeaseLostException.class)
          .hasMessageStartingWith("recording x: this worker no longer holds orchestration 'i'");
      c.rollback();
    }
  }

  @Test
  void fencesCheckedTogetherHoldEachForItsHolderAndPassOverALockedInstanceWithoutWaiting()
      throws Exception {
    f.client().start("checker", "i", 7);
    OrchestrationWorkItem lost =
        StoreKit.awaitOrchestration(store, "paused", Duration.ofMillis(500));
    f.client().start("checker", "j", 8);
    OrchestrationWorkItem held = StoreKit.awaitOrchestration(store, "holder", StoreKit.LONG_LEASE);
    StoreKit.sleep(700);
    OrchestrationWorkItem taker = StoreKit.awaitOrchestration(store, "other", StoreKit.LONG_LEASE);
    assertThat(List.of(lost.instanceId(), held.instanceId(), taker.instanceId()))
        .containsExactly("i", "j", "i");
    List<LeaseFence> fences =
        List.of(store.fenceOf(lost), store.fenceOf(held), store.fenceOf(taker));

    assertThat(StoreKit.heldTogether(f.store().dataSource(), fences))
        .containsExactlyInAnyOrder(2L, 3L);

    try (Connection locker = f.store().dataSource().getConnection()) {
      locker.setAutoCommit(false);
      try (PreparedStatement ps =
          locker.prepareStatement(
              "SELECT 1 FROM " + f.schema() + ".instances WHERE instance_id = 'j' FOR UPDATE")) {
        ps.executeQuery().close();
      }
      assertThat(StoreKit.heldTogether(f.store().dataSource(), fences))
          .as("j's row locked by another transaction: passed over, not waited for")
          .containsExactly(3L);
      assertThat(StoreKit.heldTogether(f.store().dataSource(), List.of(LeaseFence.UNCHECKED)))
          .containsExactly(1L);
      locker.rollback();
    }
  }

  @Test
  void whileTheHoldersTransactionIsOpenItsExpiredInstanceIsNotTakenOver() throws Exception {
    f.client().start("checker", "i", 7);
    OrchestrationWorkItem first =
        StoreKit.awaitOrchestration(store, "holder", Duration.ofSeconds(1));
    try (Connection c = f.store().dataSource().getConnection()) {
      c.setAutoCommit(false);
      assertThat(store.fenceOf(first).holdsIn(c)).isTrue();
      StoreKit.sleep(1300);

      assertThat(store.fetchOrchestrationWorkItem("other", StoreKit.LONG_LEASE))
          .as("locked by the holder's open transaction")
          .isEmpty();
      c.commit();
    }
    assertThat(store.fetchOrchestrationWorkItem("other", StoreKit.LONG_LEASE)).isPresent();
  }

  @Test
  void aLocalActivityOfAWorkerThatLostTheInstanceWritesNothingAndItsStepIsAborted() {
    f.client().start("checker", "i", 7);
    OrchestrationWorkItem lost =
        StoreKit.awaitOrchestration(store, "paused", Duration.ofMillis(500));
    StoreKit.sleep(700);
    OrchestrationWorkItem taker = StoreKit.awaitOrchestration(store, "other", StoreKit.LONG_LEASE);

    assertThatThrownBy(() -> steps.process(lost))
        .isInstanceOf(StepAborted.class)
        .hasMessageContaining("its fence found the instance's lease lost");
    assertThat(f.count("SELECT count(*) FROM {s}.checks"))
        .as("the fenced write of the worker that lost the instance")
        .isZero();

    StepCommit step = steps.process(taker);
    store.commitStep(step);

    assertThat(step.appended())
        .filteredOn(LocalActivityRecorded.class::isInstance)
        .containsExactly(new LocalActivityRecorded(0, "record", "7", null, 1));
    assertThat(f.count("SELECT count(*) FROM {s}.checks WHERE n = 7")).isEqualTo(1);
    assertThat(f.client().getInstance("i").orElseThrow().output()).isEqualTo("7");
  }

  @Test
  void aStepWhoseLeaseRanOutAfterItsLocalActivityRanCommitsNothing() {
    f.client().start("plain", "j", 5);
    OrchestrationWorkItem lost =
        StoreKit.awaitOrchestration(store, "paused", Duration.ofMillis(500));
    StepCommit late = steps.process(lost);
    assertThat(late.appended()).contains(new LocalActivityRecorded(0, "echo", "5", null, 1));
    StoreKit.sleep(700);
    OrchestrationWorkItem taker = StoreKit.awaitOrchestration(store, "other", StoreKit.LONG_LEASE);

    assertThat(store.commitSteps(List.of(late)))
        .as("the lost holder's commit")
        .containsExactly(false);
    assertThat(f.client().getHistory("j", 1)).as("nothing of its step recorded").hasSize(1);

    store.commitStep(steps.process(taker));
    assertThat(f.client().getInstance("j").orElseThrow().output()).isEqualTo("5");
    assertThat(f.client().getHistory("j", 1))
        .extracting(r -> r.event())
        .filteredOn(LocalActivityRecorded.class::isInstance)
        .hasSize(1);
  }
}
