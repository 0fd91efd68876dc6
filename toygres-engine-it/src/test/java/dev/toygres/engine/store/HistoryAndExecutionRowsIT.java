package dev.toygres.engine.store;

import static dev.toygres.engine.store.StoreKit.column;
import static dev.toygres.engine.store.StoreKit.kinds;
import static dev.toygres.engine.store.StoreKit.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.client.ExecutionInfo;
import dev.toygres.engine.client.HistoryRecord;
import dev.toygres.engine.client.InstanceInfo;
import dev.toygres.engine.history.HistoryEvent.OrchestratorStarted;
import dev.toygres.engine.worker.Registry;
import dev.toygres.testkit.EngineExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What committed steps leave in the history and executions tables. */
class HistoryAndExecutionRowsIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  @RegisterExtension static final EngineExtension f = EngineExtension.perClass();

  @BeforeAll
  static void start() {
    f.startWorker(
        Registry.builder()
            .activity("twice", Integer.class, (ctx, n) -> n * 2)
            .orchestration(
                "mixed",
                Integer.class,
                (ctx, n) -> {
                  int a = ctx.callActivity("twice", n, Integer.class).await();
                  ctx.createTimer(Duration.ofMillis(20)).await();
                  String ev = ctx.waitForEvent("go", String.class).await();
                  int b = ctx.callActivity("twice", a, Integer.class).await();
                  return ev + b;
                })
            .orchestration(
                "boom",
                String.class,
                (ctx, in) -> {
                  throw new IllegalStateException("bad input " + in);
                })
            .orchestration(
                "loop",
                Integer.class,
                (ctx, n) -> {
                  ctx.callActivity("twice", n, Integer.class).await();
                  if (n < 2) {
                    ctx.continueAsNew(n + 1);
                  }
                  return n;
                })
            .orchestration(
                "clock",
                String.class,
                (ctx, in) -> {
                  ctx.createTimer(Duration.ofMillis(10)).await();
                  return ctx.currentTime().toString();
                })
            .build());
  }

  @Test
  void historySequenceIsContiguousFromZeroAndEveryStepStartsWithOrchestratorStarted()
      throws Exception {
    f.client().start("mixed", "m1", 3);
    awaitKind("m1", "TimerFired");
    f.client().raiseEvent("m1", "go", "x");
    assertThat(f.client().waitForCompletion("m1", WAIT).output()).isEqualTo("\"x12\"");

    assertThat(column(f, "SELECT seq FROM {s}.history WHERE instance_id = 'm1' ORDER BY seq"))
        .containsExactlyElementsOf(
            java.util.stream.IntStream.range(
                    0, (int) f.count("SELECT count(*) FROM {s}.history WHERE instance_id = 'm1'"))
                .mapToObj(Integer::toString)
                .toList());
    List<String> kinds = kinds(f.client().getHistory("m1"));
    assertThat(kinds.subList(0, 3))
        .containsExactly("ExecutionStarted", "OrchestratorStarted", "ActivityScheduled");
    assertThat(kinds.get(kinds.size() - 1)).isEqualTo("ExecutionCompleted");
    for (String completion : List.of("ActivityCompleted", "TimerFired", "EventRaised")) {
      int i = kinds.indexOf(completion);
      assertThat(kinds.get(i - 1))
          .as("step delivering " + completion)
          .isEqualTo("OrchestratorStarted");
    }
    assertThat(kinds).filteredOn("OrchestratorStarted"::equals).hasSizeGreaterThanOrEqualTo(5);
  }

  @Test
  void completedExecutionRowHasStatusInputOutputVersionAndEndTime() throws Exception {
    f.client().start("mixed", "m2", 5);
    awaitKind("m2", "TimerFired");
    f.client().raiseEvent("m2", "go", "y");
    InstanceInfo info = f.client().waitForCompletion("m2", WAIT);

    List<ExecutionInfo> execs = f.client().listExecutions("m2");
    assertThat(execs).hasSize(1);
    ExecutionInfo e = execs.get(0);
    assertThat(e.status()).isEqualTo(OrchestrationStatus.COMPLETED);
    assertThat(e.input()).isEqualTo("5");
    assertThat(e.output()).isEqualTo("\"y20\"").isEqualTo(info.output());
    assertThat(e.version()).isEqualTo("1");
    assertThat(e.failure()).isNull();
    assertThat(e.completedAt()).isNotNull().isAfterOrEqualTo(e.startedAt());
    assertThat(e.eventCount()).isEqualTo(f.client().getHistory("m2").size());
    assertThat(
            text(
                f,
                "SELECT status || '/' || version || '/' || (completed_at IS NOT NULL)"
                    + " FROM {s}.executions WHERE instance_id = 'm2'"))
        .isEqualTo("completed/1/true");
  }

  @Test
  void failedOrchestrationRecordsItsErrorOnInstanceExecutionAndHistory() throws Exception {
    f.client().start("boom", "b1", "zz");
    InstanceInfo info = f.client().waitForCompletion("b1", WAIT);

    assertThat(info.status()).isEqualTo(OrchestrationStatus.FAILED);
    assertThat(info.failure().errorType()).isEqualTo("java.lang.IllegalStateException");
    assertThat(info.failure().message()).isEqualTo("bad input zz");
    assertThat(info.output()).isNull();
    assertThat(
            text(
                f,
                "SELECT status || '/' || (error->>'errorType') || '/' || (error->>'message')"
                    + " FROM {s}.executions WHERE instance_id = 'b1'"))
        .isEqualTo("failed/java.lang.IllegalStateException/bad input zz");
    assertThat(kinds(f.client().getHistory("b1")))
        .containsExactly("ExecutionStarted", "OrchestratorStarted", "ExecutionFailed");
  }

  @Test
  void continueAsNewEndsTheExecutionRowAndRestartsHistoryAtZero() throws Exception {
    f.client().start("loop", "l1", 0);
    assertThat(f.client().waitForCompletion("l1", WAIT).output()).isEqualTo("2");

    assertThat(
            column(
                f,
                "SELECT execution_id || ':' || status || ':' || input || ':' || (completed_at IS NOT NULL)"
                    + " FROM {s}.executions WHERE instance_id = 'l1' ORDER BY execution_id"))
        .containsExactly(
            "1:continued_as_new:0:true", "2:continued_as_new:1:true", "3:completed:2:true");
    assertThat(
            column(
                f,
                "SELECT execution_id || ':' || min(seq) || ':' || max(seq) || ':' || count(*)"
                    + " FROM {s}.history WHERE instance_id = 'l1' GROUP BY execution_id ORDER BY execution_id"))
        .allSatisfy(
            row -> {
              String[] p = row.split(":");
              assertThat(p[1]).isEqualTo("0");
              assertThat(Integer.parseInt(p[2]) + 1).isEqualTo(Integer.parseInt(p[3]));
            })
        .hasSize(3);
    assertThat(kinds(f.client().getHistory("l1", 1))).last().isEqualTo("ContinuedAsNew");
    assertThat(text(f, "SELECT execution_id FROM {s}.instances WHERE instance_id = 'l1'"))
        .isEqualTo("3");
  }

  @Test
  void currentTimeIsTheTimeOfTheStepsOrchestratorStartedEvent() throws Exception {
    f.client().start("clock", "c1", "");
    InstanceInfo info = f.client().waitForCompletion("c1", WAIT);

    List<HistoryRecord> h = f.client().getHistory("c1");
    OrchestratorStarted last =
        (OrchestratorStarted)
            h.stream()
                .map(HistoryRecord::event)
                .filter(e -> e instanceof OrchestratorStarted)
                .reduce((a, b) -> b)
                .orElseThrow();
    assertThat(info.output()).isEqualTo("\"" + last.time() + "\"");
    OrchestratorStarted first = (OrchestratorStarted) h.get(1).event();
    assertThat(last.time()).isAfterOrEqualTo(first.time().plusMillis(10));
  }

  private static void awaitKind(String id, String kind) {
    org.awaitility.Awaitility.await()
        .atMost(WAIT)
        .until(() -> kinds(f.client().getHistory(id)).contains(kind));
  }
}
