package dev.toygres.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toygres.engine.activity.LeaseFence;
import dev.toygres.engine.activity.LeaseLostException;
import dev.toygres.engine.store.internal.ActivityWorkItem;
import dev.toygres.engine.store.internal.WorkQueues;
import dev.toygres.engine.worker.Registry;
import dev.toygres.testkit.EngineExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An activity's lease fence holds, inside the activity's own transaction, for the worker that holds
 * the call and for no other; while it holds, the call cannot be taken over.
 */
class LeaseFenceIT {
  @RegisterExtension final EngineExtension f = EngineExtension.perMethod().withPoolSize(8);
  private WorkQueues store;
  private Registry registry;

  @BeforeEach
  void setUp() {
    store = WorkQueues.of(f.store());
    registry =
        Registry.builder()
            .activity("echo", String.class, (ctx, in) -> in)
            .orchestration(
                "one",
                String.class,
                (ctx, in) -> ctx.callActivity("echo", in, String.class).await())
            .build();
    f.client().start("one", "i", "x");
    StoreKit.runNextStep(store, registry);
  }

  private boolean holds(LeaseFence fence) throws Exception {
    try (Connection c = f.store().dataSource().getConnection()) {
      c.setAutoCommit(false);
      try {
        return fence.holdsIn(c);
      } finally {
        c.rollback();
      }
    }
  }

  private boolean holdsAsQuery(LeaseFence fence) throws Exception {
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
  void theFenceAsAQueryHoldsExactlyWhenHoldsInDoes() throws Exception {
    ActivityWorkItem first = StoreKit.awaitActivity(store, "paused", Duration.ofMillis(500));
    assertThat(holdsAsQuery(store.fenceOf(first))).isTrue();

    StoreKit.sleep(700);
    assertThat(holdsAsQuery(store.fenceOf(first))).as("lease ran out").isFalse();
    ActivityWorkItem second = StoreKit.awaitActivity(store, "other", StoreKit.LONG_LEASE);

    assertThat(holdsAsQuery(store.fenceOf(first))).as("taken over").isFalse();
    assertThat(holdsAsQuery(store.fenceOf(second))).isTrue();
    assertThat(holdsAsQuery(LeaseFence.UNCHECKED)).isTrue();
  }

  @Test
  void fenceHoldsForTheHolderUntilItsLeaseIsTakenOverThenOnlyForTheNewHolder() throws Exception {
    ActivityWorkItem first = StoreKit.awaitActivity(store, "paused", Duration.ofMillis(500));
    assertThat(holds(store.fenceOf(first))).isTrue();

    StoreKit.sleep(700);
    assertThat(holds(store.fenceOf(first))).as("lease ran out").isFalse();
    ActivityWorkItem second = StoreKit.awaitActivity(store, "other", StoreKit.LONG_LEASE);

    assertThat(second.id()).isEqualTo(first.id());
    assertThat(holds(store.fenceOf(first))).as("taken over").isFalse();
    assertThat(holds(store.fenceOf(second))).isTrue();
    try (Connection c = f.store().dataSource().getConnection()) {
      c.setAutoCommit(false);
      assertThatThrownBy(() -> store.fenceOf(first).ensureHeldIn(c, "recording x"))
          .isInstanceOf(LeaseLostException.class)
          .hasMessageStartingWith("recording x: this worker no longer holds the activity call");
      c.rollback();
    }
  }

  @Test
  void theFenceCheckedWithOthersHoldsForTheHolderAndPassesOverALockedCallWithoutWaiting()
      throws Exception {
    ActivityWorkItem first = StoreKit.awaitActivity(store, "paused", Duration.ofMillis(500));
    assertThat(StoreKit.heldTogether(f.store().dataSource(), List.of(store.fenceOf(first))))
        .containsExactly(1L);
    try (Connection locker = f.store().dataSource().getConnection()) {
      locker.setAutoCommit(false);
      try (PreparedStatement ps =
          locker.prepareStatement(
              "SELECT 1 FROM " + f.schema() + ".activity_queue WHERE id = ? FOR UPDATE")) {
        ps.setLong(1, first.id());
        ps.executeQuery().close();
      }
      assertThat(StoreKit.heldTogether(f.store().dataSource(), List.of(store.fenceOf(first))))
          .as("locked by another transaction: passed over, not waited for")
          .isEmpty();
      locker.rollback();
    }

    StoreKit.sleep(700);
    ActivityWorkItem second = StoreKit.awaitActivity(store, "other", StoreKit.LONG_LEASE);
    assertThat(
            StoreKit.heldTogether(
                f.store().dataSource(), List.of(store.fenceOf(first), store.fenceOf(second))))
        .as("the lease ran out and was taken over")
        .containsExactly(2L);
  }

  @Test
  void whileTheHoldersTransactionIsOpenItsExpiredCallIsNotTakenOver() throws Exception {
    ActivityWorkItem first = StoreKit.awaitActivity(store, "holder", Duration.ofSeconds(1));
    try (Connection c = f.store().dataSource().getConnection()) {
      c.setAutoCommit(false);
      assertThat(store.fenceOf(first).holdsIn(c)).isTrue();
      StoreKit.sleep(1300);

      List<ActivityWorkItem> taken = store.fetchActivityWorkItems("other", 10, StoreKit.LONG_LEASE);

      assertThat(taken).as("locked by the holder's open transaction").isEmpty();
      c.commit();
    }
    assertThat(store.fetchActivityWorkItems("other", 10, StoreKit.LONG_LEASE))
        .extracting(ActivityWorkItem::id)
        .containsExactly(first.id());
  }
}
