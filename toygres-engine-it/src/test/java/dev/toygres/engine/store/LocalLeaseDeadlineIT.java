package dev.toygres.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.toygres.engine.store.internal.ActivityWorkItem;
import dev.toygres.engine.store.internal.WorkQueues;
import dev.toygres.engine.worker.Registry;
import dev.toygres.engine.worker.internal.LeaseKeeper;
import dev.toygres.testkit.EngineExtension;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The lease keeper's local view of an activity lease, by the monotonic clock: a worker never starts
 * an item whose lease ran out since its fetch or last renewal (the JVM was paused in between), and
 * renewals keep a running item's lease valid.
 */
class LocalLeaseDeadlineIT {
  private static final Duration LEASE = Duration.ofMillis(1500);
  @RegisterExtension final EngineExtension f = EngineExtension.perMethod();
  private WorkQueues store;
  private LeaseKeeper keeper;

  @BeforeEach
  void setUp() {
    store = WorkQueues.of(f.store());
    keeper = new LeaseKeeper(store, LEASE, "w");
  }

  @AfterEach
  void tearDown() {
    keeper.close();
  }

  @Test
  void itemFetchedLongerThanALeaseAgoWithoutRenewalIsNoLongerValid() {
    UUID stale = UUID.randomUUID();
    keeper.holdActivity(stale, System.nanoTime() - LEASE.multipliedBy(2).toNanos());
    UUID fresh = UUID.randomUUID();
    keeper.holdActivity(fresh, System.nanoTime());

    assertThat(keeper.activityLeaseValid(stale)).isFalse();
    assertThat(keeper.activityLeaseValid(fresh)).isTrue();
    assertThat(keeper.activityLeaseValid(UUID.randomUUID())).as("never held").isFalse();
    keeper.releaseActivity(fresh);
    assertThat(keeper.activityLeaseValid(fresh)).as("released").isFalse();
  }

  @Test
  void renewalsKeepAHeldItemsLeaseValidPastItsFirstExpiry() {
    Registry registry =
        Registry.builder()
            .activity("a", String.class, (c, in) -> in)
            .orchestration(
                "o", String.class, (ctx, in) -> ctx.callActivity("a", in, String.class).await())
            .build();
    f.client().start("o", "i", "x");
    StoreKit.runNextStep(store, registry);
    long fetchedAt = System.nanoTime();
    ActivityWorkItem item = StoreKit.awaitActivity(store, "w", LEASE);
    keeper.holdActivity(item.lockToken(), fetchedAt);
    long firstExpiry = fetchedAt + LEASE.toNanos();

    await().atMost(Duration.ofSeconds(30)).until(() -> System.nanoTime() - firstExpiry > 0);

    assertThat(keeper.activityLeaseValid(item.lockToken()))
        .as("renewed every third of the lease")
        .isTrue();
  }
}
