package dev.toygres.engine.store;

import static dev.toygres.engine.store.StoreKit.kinds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.client.DurableClient;
import dev.toygres.engine.client.ExecutionInfo;
import dev.toygres.engine.client.HistoryRecord;
import dev.toygres.engine.client.OrchestrationNotFoundException;
import dev.toygres.engine.history.HistoryEvent.ContinuedAsNew;
import dev.toygres.engine.history.HistoryEvent.ExecutionStarted;
import dev.toygres.engine.worker.Registry;
import dev.toygres.testkit.EngineExtension;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** listExecutions and getHistory across continue-as-new. */
class ExecutionsAndHistoryIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  @RegisterExtension static final EngineExtension f = EngineExtension.perClass();
  private static DurableClient client;

  @BeforeAll
  static void start() {
    client = f.client();
    f.startWorker(
        Registry.builder()
            .activity("inc", Integer.class, (ctx, n) -> n + 1)
            .orchestration(
                "counter",
                Integer.class,
                (ctx, n) -> {
                  int next = ctx.callActivity("inc", n, Integer.class).await();
                  if (next < 3) {
                    ctx.continueAsNew(next);
                  }
                  return next + ctx.waitForEvent("finish", Integer.class).await();
                })
            .build());
  }

  /** Starts a counter and waits until its third execution waits for the event. */
  private static void startAndAwaitThirdExecution(String id) {
    client.start("counter", id, 0);
    Awaitility.await()
        .atMost(WAIT)
        .until(
            () ->
                client.listExecutions(id).size() == 3
                    && kinds(client.getHistory(id, 3)).contains("ActivityCompleted"));
  }

  @Test
  void listExecutionsShowsContinuedExecutionsThenTheRunningOne() throws Exception {
    startAndAwaitThirdExecution("cnt-1");

    List<ExecutionInfo> running = client.listExecutions("cnt-1");
    assertThat(running).extracting(ExecutionInfo::executionId).containsExactly(1, 2, 3);
    assertThat(running)
        .extracting(ExecutionInfo::status)
        .containsExactly(
            OrchestrationStatus.CONTINUED_AS_NEW,
            OrchestrationStatus.CONTINUED_AS_NEW,
            OrchestrationStatus.RUNNING);
    assertThat(running).extracting(ExecutionInfo::input).containsExactly("0", "1", "2");
    assertThat(running.get(2).completedAt()).isNull();
    for (ExecutionInfo e : running) {
      assertThat(e.eventCount())
          .as("execution " + e.executionId())
          .isEqualTo(client.getHistory("cnt-1", e.executionId()).size());
    }
    assertThat(client.getInstance("cnt-1").orElseThrow().executionId()).isEqualTo(3);

    client.raiseEvent("cnt-1", "finish", 10);
    assertThat(client.waitForCompletion("cnt-1", WAIT).output()).isEqualTo("13");
    List<ExecutionInfo> done = client.listExecutions("cnt-1");
    assertThat(done)
        .extracting(ExecutionInfo::status)
        .containsExactly(
            OrchestrationStatus.CONTINUED_AS_NEW,
            OrchestrationStatus.CONTINUED_AS_NEW,
            OrchestrationStatus.COMPLETED);
    assertThat(done.get(2).output()).isEqualTo("13");
    assertThat(done.get(2).eventCount()).isEqualTo(running.get(2).eventCount() + 3);
  }

  @Test
  void historyIsKeptPerExecutionAndTheCurrentOneIsTheDefault() {
    startAndAwaitThirdExecution("cnt-2");

    List<HistoryRecord> first = client.getHistory("cnt-2", 1);
    ExecutionStarted started = (ExecutionStarted) first.get(0).event();
    assertThat(started.name() + "/" + started.input()).isEqualTo("counter/0");
    assertThat(((ContinuedAsNew) first.get(first.size() - 1).event()).input()).isEqualTo("1");
    assertThat(((ExecutionStarted) client.getHistory("cnt-2", 2).get(0).event()).input())
        .isEqualTo("1");
    assertThat(client.getHistory("cnt-2")).isEqualTo(client.getHistory("cnt-2", 3));
    assertThat(client.getHistory("cnt-2", 3))
        .extracting(HistoryRecord::sequence)
        .containsExactly(0, 1, 2, 3, 4);
    assertThat(client.getHistory("cnt-2", 4)).isEmpty();
  }

  @Test
  void executionsCarryTheirVersionAndTimes() throws Exception {
    startAndAwaitThirdExecution("cnt-3");
    client.raiseEvent("cnt-3", "finish", 0);
    client.waitForCompletion("cnt-3", WAIT);

    List<ExecutionInfo> execs = client.listExecutions("cnt-3");
    assertThat(execs).extracting(ExecutionInfo::version).containsExactly("1", "1", "1");
    assertThat(execs).extracting(ExecutionInfo::name).containsOnly("counter");
    for (int i = 0; i < execs.size(); i++) {
      ExecutionInfo e = execs.get(i);
      assertThat(e.completedAt()).isAfterOrEqualTo(e.startedAt());
      if (i > 0) {
        assertThat(e.startedAt()).isAfterOrEqualTo(execs.get(i - 1).completedAt());
      }
    }
  }

  @Test
  void unknownInstanceHasNoExecutionsAndItsCurrentHistoryIsNotFound() {
    assertThat(client.listExecutions("nobody")).isEmpty();
    assertThat(client.getHistory("nobody", 1)).isEmpty();
    assertThatThrownBy(() -> client.getHistory("nobody"))
        .isInstanceOf(OrchestrationNotFoundException.class)
        .hasMessageContaining("'nobody'");
  }
}
