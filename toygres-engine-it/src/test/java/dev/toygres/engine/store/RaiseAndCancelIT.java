package dev.toygres.engine.store;

import static dev.toygres.engine.store.StoreKit.kinds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.client.DurableClient;
import dev.toygres.engine.client.ExecutionInfo;
import dev.toygres.engine.client.InstanceInfo;
import dev.toygres.engine.client.OrchestrationNotFoundException;
import dev.toygres.engine.client.OrchestrationNotRunningException;
import dev.toygres.engine.history.HistoryEvent.ExecutionCancelled;
import dev.toygres.engine.worker.Registry;
import dev.toygres.testkit.EngineExtension;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** raiseEvent and cancel through the management API: unknown, ended and running instances. */
class RaiseAndCancelIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  @RegisterExtension static final EngineExtension f = EngineExtension.perClass();
  private static DurableClient client;

  @BeforeAll
  static void start() {
    client = f.client();
    f.startWorker(
        Registry.builder()
            .orchestration("quick", String.class, (ctx, in) -> in)
            .orchestration(
                "waits",
                String.class,
                (ctx, in) -> {
                  ctx.setCustomStatus("waiting");
                  return ctx.waitForEvent("go", String.class).await();
                })
            .build());
  }

  private static void startWaiting(String id) {
    client.start("waits", id, "");
    Awaitility.await()
        .atMost(WAIT)
        .until(() -> "\"waiting\"".equals(client.getInstance(id).orElseThrow().customStatus()));
  }

  @Test
  void raiseEventAndCancelOnAnUnknownInstanceAreNotFound() {
    assertThatThrownBy(() -> client.raiseEvent("ghost", "go", 1))
        .isInstanceOf(OrchestrationNotFoundException.class)
        .hasMessageContaining("'ghost'");
    assertThatThrownBy(() -> client.cancel("ghost", "why"))
        .isInstanceOf(OrchestrationNotFoundException.class)
        .hasMessageContaining("'ghost'");
    assertThat(f.count("SELECT count(*) FROM {s}.orchestrator_queue WHERE instance_id = 'ghost'"))
        .isZero();
  }

  @Test
  void raiseEventAndCancelOnACompletedInstanceAreNotRunning() throws Exception {
    client.start("quick", "done", "x");
    client.waitForCompletion("done", WAIT);

    assertThatThrownBy(() -> client.raiseEvent("done", "go", 1))
        .isInstanceOf(OrchestrationNotRunningException.class)
        .hasMessageContaining("completed")
        .satisfies(
            e -> assertThat(((OrchestrationNotRunningException) e).instanceId()).isEqualTo("done"));
    assertThatThrownBy(() -> client.cancel("done", "late"))
        .isInstanceOf(OrchestrationNotRunningException.class)
        .hasMessageContaining("completed");
    assertThat(f.count("SELECT count(*) FROM {s}.orchestrator_queue WHERE instance_id = 'done'"))
        .isZero();
    assertThat(client.getInstance("done").orElseThrow().status())
        .isEqualTo(OrchestrationStatus.COMPLETED);
  }

  @Test
  void cancelledInstanceReportsCancelledNotFailedWithTheReason() throws Exception {
    startWaiting("c1");

    client.cancel("c1", "operator said stop");
    InstanceInfo info = client.waitForCompletion("c1", WAIT);

    assertThat(info.status()).isEqualTo(OrchestrationStatus.CANCELLED);
    assertThat(info.failure().errorType()).isEqualTo("OrchestrationCancelled");
    assertThat(info.failure().message()).isEqualTo("operator said stop");
    assertThat(info.output()).isNull();
    assertThat(info.completedAt()).isNotNull();
    assertThat(client.getHistory("c1").get(client.getHistory("c1").size() - 1).event())
        .isEqualTo(new ExecutionCancelled("operator said stop"));
    List<ExecutionInfo> execs = client.listExecutions("c1");
    assertThat(execs)
        .extracting(ExecutionInfo::status)
        .containsExactly(OrchestrationStatus.CANCELLED);
    assertThat(execs.get(0).failure().message()).isEqualTo("operator said stop");
  }

  @Test
  void cancelledInstanceTakesNoMoreEventsOrCancellation() throws Exception {
    startWaiting("c2");
    client.cancel("c2", "first");
    client.waitForCompletion("c2", WAIT);

    assertThatThrownBy(() -> client.cancel("c2", "second"))
        .isInstanceOf(OrchestrationNotRunningException.class)
        .hasMessageContaining("cancelled");
    assertThatThrownBy(() -> client.raiseEvent("c2", "go", "x"))
        .isInstanceOf(OrchestrationNotRunningException.class);
    assertThat(client.getInstance("c2").orElseThrow().failure().message()).isEqualTo("first");
  }

  @Test
  void cancelWithoutReasonReportsTheDefaultReason() throws Exception {
    startWaiting("c3");

    client.cancel("c3", null);

    InstanceInfo info = client.waitForCompletion("c3", WAIT);
    assertThat(info.status()).isEqualTo(OrchestrationStatus.CANCELLED);
    assertThat(info.failure().message()).isEqualTo("cancelled");
    assertThat(kinds(client.getHistory("c3")))
        .doesNotContain("ExecutionCompleted", "ExecutionFailed");
  }

  @Test
  void eventRaisedOnARunningInstanceIsDeliveredAndBlankNamesAreRejected() throws Exception {
    startWaiting("e1");

    assertThatThrownBy(() -> client.raiseEvent("e1", " ", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> client.raiseEvent("", "go", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    client.raiseEvent("e1", "go", "delivered");

    assertThat(client.waitForCompletion("e1", WAIT).output()).isEqualTo("\"delivered\"");
    assertThat(kinds(client.getHistory("e1")))
        .containsSubsequence("EventRaised", "ExecutionCompleted");
  }
}
