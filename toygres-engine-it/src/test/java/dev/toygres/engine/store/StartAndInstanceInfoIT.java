package dev.toygres.engine.store;

import static dev.toygres.engine.store.StoreKit.kinds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.client.DurableClient;
import dev.toygres.engine.client.InstanceInfo;
import dev.toygres.engine.client.OrchestrationAlreadyExistsException;
import dev.toygres.engine.client.StartOptions;
import dev.toygres.engine.client.StartOptions.IfExists;
import dev.toygres.engine.history.HistoryEvent.ExecutionStarted;
import dev.toygres.engine.worker.Registry;
import dev.toygres.testkit.EngineExtension;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Starting instances (and replacing ended ones) and what getInstance reports. */
class StartAndInstanceInfoIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final StartOptions REPLACE =
      StartOptions.defaults().withIfExists(IfExists.REPLACE_IF_ENDED);
  @RegisterExtension static final EngineExtension f = EngineExtension.perClass();
  private static DurableClient client;

  @BeforeAll
  static void start() {
    client = f.client();
    f.startWorker(
        Registry.builder()
            .orchestration(
                "echo",
                String.class,
                (ctx, in) -> {
                  ctx.setCustomStatus("echoing " + in);
                  return in;
                })
            .orchestration(
                "waiter",
                String.class,
                (ctx, in) -> {
                  ctx.setCustomStatus(java.util.Map.of("stage", "waiting"));
                  return in + ctx.waitForEvent("go", String.class).await();
                })
            .orchestration(
                "fails",
                String.class,
                (ctx, in) -> {
                  ctx.setCustomStatus("about to fail");
                  throw new UnsupportedOperationException("cannot " + in);
                })
            .build());
  }

  @Test
  void startingATakenIdFailsByDefaultWhetherRunningOrEnded() throws Exception {
    client.start("waiter", "taken-running", "a");
    client.start("echo", "taken-ended", "a");
    client.waitForCompletion("taken-ended", WAIT);

    assertThatThrownBy(() -> client.start("waiter", "taken-running", "b"))
        .isInstanceOf(OrchestrationAlreadyExistsException.class)
        .hasMessageContaining("running")
        .satisfies(
            e ->
                assertThat(((OrchestrationAlreadyExistsException) e).instanceId())
                    .isEqualTo("taken-running"));
    assertThatThrownBy(() -> client.start("echo", "taken-ended", "b"))
        .isInstanceOf(OrchestrationAlreadyExistsException.class)
        .hasMessageContaining("completed");
    assertThat(client.waitForCompletion("taken-ended", WAIT).output()).isEqualTo("\"a\"");
  }

  @Test
  void replaceIfEndedReplacesACompletedInstanceWithAFreshOne() throws Exception {
    client.start("echo", "re", "old");
    InstanceInfo old = client.waitForCompletion("re", WAIT);

    client.start("echo", "re", "new", REPLACE);

    InstanceInfo fresh = client.waitForCompletion("re", WAIT);
    assertThat(fresh.output()).isEqualTo("\"new\"");
    assertThat(fresh.createdAt()).isAfter(old.createdAt());
    assertThat(client.listExecutions("re")).hasSize(1);
    assertThat(((ExecutionStarted) client.getHistory("re").get(0).event()).input())
        .isEqualTo("\"new\"");
    assertThat(StoreKit.kinds(client.getHistory("re")))
        .filteredOn("ExecutionStarted"::equals)
        .hasSize(1);
    assertThat(f.count("SELECT count(*) FROM {s}.history WHERE instance_id = 're'"))
        .isEqualTo(client.getHistory("re").size());
  }

  @Test
  void replaceIfEndedReplacesFailedInstanceWithOneOfAnotherName() throws Exception {
    client.start("fails", "re2", "x");
    assertThat(client.waitForCompletion("re2", WAIT).status())
        .isEqualTo(OrchestrationStatus.FAILED);

    client.start("echo", "re2", "y", REPLACE);

    InstanceInfo info = client.waitForCompletion("re2", WAIT);
    assertThat(info.status()).isEqualTo(OrchestrationStatus.COMPLETED);
    assertThat(info.name()).isEqualTo("echo");
    assertThat(info.failure()).isNull();
    assertThat(info.customStatus()).isEqualTo("\"echoing y\"");
  }

  @Test
  void replaceIfEndedRefusesARunningInstanceAndLeavesItAlone() throws Exception {
    client.start("waiter", "busy", "first-");
    awaitVersionResolved("busy");

    assertThatThrownBy(() -> client.start("echo", "busy", "second", REPLACE))
        .isInstanceOf(OrchestrationAlreadyExistsException.class)
        .hasMessageContaining("running");

    client.raiseEvent("busy", "go", "done");
    InstanceInfo info = client.waitForCompletion("busy", WAIT);
    assertThat(info.name()).isEqualTo("waiter");
    assertThat(info.output()).isEqualTo("\"first-done\"");
  }

  @Test
  void runningInstanceReportsNameVersionStatusTimesAndCustomStatus() {
    client.start("waiter", "info-running", "r");
    awaitVersionResolved("info-running");

    InstanceInfo info = client.getInstance("info-running").orElseThrow();

    assertThat(info.instanceId()).isEqualTo("info-running");
    assertThat(info.name()).isEqualTo("waiter");
    assertThat(info.version()).isEqualTo("1");
    assertThat(info.status()).isEqualTo(OrchestrationStatus.RUNNING);
    assertThat(info.executionId()).isEqualTo(1);
    assertThat(info.createdAt()).isNotNull();
    assertThat(info.lastProgressAt()).isAfter(info.createdAt());
    assertThat(info.completedAt()).isNull();
    assertThat(info.customStatus()).isEqualTo("{\"stage\":\"waiting\"}");
    assertThat(info.output()).isNull();
    assertThat(info.failure()).isNull();
    assertThat(info.parentInstanceId()).isNull();
  }

  @Test
  void completedInstanceReportsOutputCompletionTimeAndKeepsCustomStatus() throws Exception {
    client.start("waiter", "info-done", "d");
    awaitVersionResolved("info-done");
    InstanceInfo before = client.getInstance("info-done").orElseThrow();
    client.raiseEvent("info-done", "go", "!");

    InstanceInfo info = client.waitForCompletion("info-done", WAIT);

    assertThat(info.status()).isEqualTo(OrchestrationStatus.COMPLETED);
    assertThat(info.output()).isEqualTo("\"d!\"");
    assertThat(info.completedAt()).isNotNull().isAfterOrEqualTo(before.lastProgressAt());
    assertThat(info.lastProgressAt()).isAfter(before.lastProgressAt());
    assertThat(info.createdAt()).isEqualTo(before.createdAt());
    assertThat(info.customStatus()).isEqualTo("{\"stage\":\"waiting\"}");
    assertThat(info.failure()).isNull();
  }

  @Test
  void failedInstanceReportsItsFailureAndNoOutput() throws Exception {
    client.start("fails", "info-failed", "fly");

    InstanceInfo info = client.waitForCompletion("info-failed", WAIT);

    assertThat(info.status()).isEqualTo(OrchestrationStatus.FAILED);
    assertThat(info.failure().errorType()).isEqualTo("java.lang.UnsupportedOperationException");
    assertThat(info.failure().message()).isEqualTo("cannot fly");
    assertThat(info.failure().stackTrace()).contains("UnsupportedOperationException");
    assertThat(info.output()).isNull();
    assertThat(info.completedAt()).isNotNull();
    assertThat(kinds(client.getHistory("info-failed"))).last().isEqualTo("ExecutionFailed");
  }

  @Test
  void unknownInstanceIsEmptyAndBlankIdsAreRejected() {
    assertThat(client.getInstance("no-such-instance")).isEmpty();
    assertThatThrownBy(() -> client.start("echo", " ", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> client.start("echo", "x".repeat(257), "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> client.start("", "blank-name", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(client.getInstance("blank-name")).isEmpty();
  }

  private static void awaitVersionResolved(String id) {
    Awaitility.await()
        .atMost(WAIT)
        .until(() -> client.getInstance(id).orElseThrow().version() != null);
  }
}
