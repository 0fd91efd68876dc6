package dev.toygres.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.client.InstanceInfo;
import dev.toygres.engine.client.OrchestrationNotFoundException;
import dev.toygres.engine.client.OrchestrationNotRunningException;
import dev.toygres.engine.store.internal.LeaseLostException;
import dev.toygres.engine.store.internal.WorkQueues;
import dev.toygres.engine.worker.Registry;
import dev.toygres.testkit.EngineExtension;
import dev.toygres.testkit.EngineFixture;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TerminateAndBulkReadsIT {
  @RegisterExtension static final EngineExtension f = EngineExtension.perClass();
  private static final Registry REGISTRY =
      Registry.builder()
          .orchestration(
              "waiter", String.class, (ctx, in) -> ctx.waitForEvent("go", String.class).await())
          .orchestration(
              "other", String.class, (ctx, in) -> ctx.waitForEvent("go", String.class).await())
          .build();

  @BeforeAll
  static void setUp() {}

  @Test
  void getInstancesReadsManyInOneCallAndSkipsUnknownIds() {
    f.client().start("waiter", "bulk-1", "x");
    f.client().start("other", "bulk-2", "x");
    Map<String, InstanceInfo> got =
        f.client().getInstances(List.of("bulk-1", "bulk-2", "bulk-nope"));
    assertThat(got).containsOnlyKeys("bulk-1", "bulk-2");
    assertThat(got.get("bulk-2").name()).isEqualTo("other");
    assertThat(f.client().getInstances(List.of())).isEmpty();
  }

  @Test
  void runningInstanceIdsListsOnlyRunningInstancesOfThatName() throws Exception {
    f.client().start("waiter", "run-1", "x");
    f.client().start("waiter", "run-2", "x");
    f.client().start("other", "run-3", "x");
    f.client().terminate("run-2", "test");
    assertThat(f.client().runningInstanceIds("waiter"))
        .contains("run-1")
        .doesNotContain("run-2", "run-3");
  }

  @Test
  void terminateEndsAStuckInstanceAtOnceAndRefusesTheDeadHoldersLateCommit() {
    try (EngineFixture own = new EngineFixture()) {
      own.client().start("waiter", "stuck-1", "x");
      // A "dead worker" leases the instance for a minute and never commits.
      StoreKit.Step held = StoreKit.processNext(WorkQueues.of(own.store()), REGISTRY);
      assertThat(held.item().instanceId()).isEqualTo("stuck-1");

      own.client().terminate("stuck-1", "zombie repaired");

      InstanceInfo info = own.client().getInstance("stuck-1").orElseThrow();
      assertThat(info.status()).isEqualTo(OrchestrationStatus.CANCELLED);
      assertThat(info.failure().errorType()).isEqualTo("OrchestrationTerminated");
      assertThat(info.failure().message()).isEqualTo("zombie repaired");
      assertThat(StoreKit.kinds(own.client().getHistory("stuck-1"))).endsWith("ExecutionCancelled");
      assertThatThrownBy(() -> WorkQueues.of(own.store()).commitStep(held.commit()))
          .isInstanceOf(LeaseLostException.class);
      assertThat(own.client().getInstance("stuck-1").orElseThrow().status())
          .isEqualTo(OrchestrationStatus.CANCELLED);
      assertThat(
              own.count(
                  "SELECT count(*) FROM {s}.orchestrator_queue WHERE instance_id = 'stuck-1'"))
          .isZero();
    }
  }

  @Test
  void startIfNotRunningStartsOnceLeavesARunningOneAloneAndReplacesAnEndedOne() {
    assertThat(f.client().startIfNotRunning("waiter", "single-1", "a")).isTrue();
    assertThat(f.client().startIfNotRunning("waiter", "single-1", "b")).isFalse();
    assertThat(f.client().listExecutions("single-1")).hasSize(1);
    f.client().terminate("single-1", "ended");
    assertThat(f.client().startIfNotRunning("waiter", "single-1", "c")).isTrue();
    InstanceInfo again = f.client().getInstance("single-1").orElseThrow();
    assertThat(again.status()).isEqualTo(OrchestrationStatus.RUNNING);
    assertThat(f.client().listExecutions("single-1").get(0).input()).isEqualTo("\"c\"");
  }

  @Test
  void terminateRefusesUnknownAndEndedInstances() throws Exception {
    assertThatThrownBy(() -> f.client().terminate("ghost", "x"))
        .isInstanceOf(OrchestrationNotFoundException.class);
    f.client().start("waiter", "done-1", "x");
    f.startWorker(REGISTRY);
    f.client().raiseEvent("done-1", "go", "now");
    f.client().waitForCompletion("done-1", Duration.ofSeconds(30));
    assertThatThrownBy(() -> f.client().terminate("done-1", "x"))
        .isInstanceOf(OrchestrationNotRunningException.class);
  }
}
