package dev.toygres.engine.store;

import static dev.toygres.engine.store.StoreKit.LONG_LEASE;
import static dev.toygres.engine.store.StoreKit.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.store.internal.ActivityWorkItem;
import dev.toygres.engine.store.internal.HeldLeases;
import dev.toygres.engine.store.internal.OrchestrationWorkItem;
import dev.toygres.engine.store.internal.WorkQueues;
import dev.toygres.engine.worker.Registry;
import dev.toygres.testkit.EngineExtension;
import dev.toygres.testkit.EngineFixture;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Workers renew the leases of work in progress, so long work is not taken over. */
class LeaseRenewalIT {
  private final AtomicInteger runs = new AtomicInteger();
  @RegisterExtension final EngineExtension f = EngineExtension.perMethod().withPoolSize(20);
  private WorkQueues store;
  private Registry registry;

  @BeforeEach
  void setUp() {
    store = WorkQueues.of(f.store());
    registry =
        Registry.builder()
            .activity(
                "slow",
                Integer.class,
                (ctx, ms) -> {
                  runs.incrementAndGet();
                  Thread.sleep(ms);
                  return ctx.dispatchCount();
                })
            .orchestration(
                "long",
                Integer.class,
                (ctx, ms) -> ctx.callActivity("slow", ms, Integer.class).await())
            .build();
  }

  @Test
  void activityLongerThanSeveralLeasesRunsExactlyOnceWhileASecondWorkerPolls() throws Exception {
    var options =
        EngineFixture.testOptions()
            .withLease(Duration.ofSeconds(1))
            .withPollInterval(Duration.ofMillis(50));
    f.startWorker(registry, options.withWorkerId("first"));
    f.startWorker(registry, options.withWorkerId("second"));

    f.client().start("long", "i", 4000);
    var info = f.client().waitForCompletion("i", Duration.ofSeconds(30));

    assertThat(info.status()).isEqualTo(OrchestrationStatus.COMPLETED);
    assertThat(info.output()).as("dispatched once").isEqualTo("1");
    assertThat(runs.get()).isEqualTo(1);
  }

  @Test
  void leaseOfRunningActivityKeepsMovingForward() throws Exception {
    var options = EngineFixture.testOptions().withLease(Duration.ofSeconds(1));
    f.startWorker(registry, options);
    f.client().start("long", "i", 3000);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> runs.get() == 1);
    StoreKit.sleep(300);
    String first = text(f, "SELECT locked_until::text FROM {s}.activity_queue");

    StoreKit.sleep(1500);

    assertThat(
            f.count(
                "SELECT count(*) FROM {s}.activity_queue WHERE locked_until > '"
                    + first
                    + "'::timestamptz"
                    + " AND locked_until > now()"))
        .as("renewed past its first expiry")
        .isEqualTo(1);
    assertThat(f.client().waitForCompletion("i", Duration.ofSeconds(20)).output()).isEqualTo("1");
  }

  @Test
  void renewLeasesExtendsLockedUntilOfActivityItems() {
    f.client().start("long", "i", 1);
    StoreKit.runNextStep(store, registry);
    ActivityWorkItem item = StoreKit.awaitActivity(store, "w", Duration.ofSeconds(2));
    assertThat(
            f.count(
                "SELECT count(*) FROM {s}.activity_queue WHERE locked_until < now() + interval '3 seconds'"))
        .isEqualTo(1);

    HeldLeases held =
        store.renewLeases(Map.of(), List.of(item.lockToken()), Duration.ofSeconds(120));

    assertThat(held.activityItems()).containsExactly(Map.entry(item.id(), item.lockToken()));
    assertThat(held.holdsActivity(item.id(), item.lockToken())).isTrue();
    assertThat(
            f.count(
                "SELECT count(*) FROM {s}.activity_queue WHERE locked_until > now() + interval '110 seconds'"
                    + " AND lock_token = '"
                    + item.lockToken()
                    + "'"))
        .isEqualTo(1);
  }

  @Test
  void renewLeasesExtendsLockedUntilOfOrchestrationInstances() {
    f.client().start("long", "i", 1);
    OrchestrationWorkItem item = StoreKit.awaitOrchestration(store, "w", Duration.ofSeconds(2));

    HeldLeases held =
        store.renewLeases(
            Map.of(item.lockToken(), List.of(item.instanceId())),
            List.of(),
            Duration.ofSeconds(120));

    assertThat(held.orchestrationTokens()).containsExactly(item.lockToken());

    assertThat(
            f.count(
                "SELECT count(*) FROM {s}.instances WHERE locked_until > now() + interval '110 seconds'"))
        .isEqualTo(1);
  }

  @Test
  void renewalExtendsOnlyTheInstancesNamedForTheirToken() {
    f.client().start("long", "a", 1);
    f.client().start("long", "b", 1);
    List<OrchestrationWorkItem> items =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> store.fetchOrchestrationWorkItems("w", 2, Duration.ofSeconds(2)),
                got -> !got.isEmpty());
    assertThat(items).hasSize(2);
    UUID token = items.get(0).lockToken();
    assertThat(items.get(1).lockToken()).as("one fetch, one token").isEqualTo(token);

    // "b" is leased under the same token but not named: a worker names only what it still holds.
    HeldLeases held =
        store.renewLeases(Map.of(token, List.of("a")), List.of(), Duration.ofSeconds(120));

    assertThat(held.orchestrationTokens()).containsExactly(token);
    assertThat(
            f.count(
                "SELECT count(*) FROM {s}.instances WHERE instance_id = 'a'"
                    + " AND locked_until > now() + interval '110 seconds'"))
        .isEqualTo(1);
    assertThat(
            f.count(
                "SELECT count(*) FROM {s}.instances WHERE instance_id = 'b'"
                    + " AND locked_until > now() + interval '110 seconds'"))
        .as("an instance not named keeps its lease's end")
        .isZero();
  }

  @Test
  void renewedActivityLeaseKeepsOtherWorkersAwayPastItsOriginalExpiry() {
    f.client().start("long", "i", 1);
    StoreKit.runNextStep(store, registry);
    ActivityWorkItem item = StoreKit.awaitActivity(store, "w", Duration.ofMillis(500));
    store.renewLeases(Map.of(), List.of(item.lockToken()), LONG_LEASE);

    StoreKit.sleep(1000);

    assertThat(store.fetchActivityWorkItems("other", 5, LONG_LEASE)).isEmpty();
  }

  @Test
  void renewingWithALostOrUnknownTokenChangesNothing() {
    f.client().start("long", "i", 1);
    StoreKit.runNextStep(store, registry);
    ActivityWorkItem lost = StoreKit.awaitActivity(store, "w1", Duration.ofMillis(100));
    ActivityWorkItem owner = StoreKit.awaitActivity(store, "w2", Duration.ofSeconds(5));
    String before = text(f, "SELECT locked_until::text FROM {s}.activity_queue");

    HeldLeases held =
        store.renewLeases(
            Map.of(UUID.randomUUID(), List.of("i")),
            List.of(lost.lockToken(), UUID.randomUUID()),
            Duration.ofMinutes(10));

    assertThat(held.orchestrationTokens()).as("no unknown token is reported held").isEmpty();
    assertThat(held.activityItems())
        .as("the item taken over by w2 is reported lost to w1")
        .isEmpty();
    assertThat(text(f, "SELECT locked_until::text || '/' || lock_token FROM {s}.activity_queue"))
        .isEqualTo(before + "/" + owner.lockToken());
    assertThat(f.count("SELECT count(*) FROM {s}.instances WHERE locked_until > now()")).isZero();
  }
}
