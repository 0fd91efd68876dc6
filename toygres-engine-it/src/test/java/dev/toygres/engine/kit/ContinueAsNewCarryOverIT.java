package dev.toygres.engine.kit;

import static dev.toygres.engine.kit.Scenarios.awaitCustomStatus;
import static dev.toygres.engine.kit.Scenarios.history;
import static dev.toygres.engine.kit.Scenarios.instance;
import static dev.toygres.engine.kit.Scenarios.json;
import static dev.toygres.engine.kit.Scenarios.only;
import static dev.toygres.engine.kit.Scenarios.output;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.client.ExecutionInfo;
import dev.toygres.engine.client.StartOptions;
import dev.toygres.engine.history.HistoryEvent;
import dev.toygres.engine.history.HistoryEvent.EventRaised;
import dev.toygres.engine.history.HistoryEvent.ExecutionStarted;
import dev.toygres.engine.history.HistoryEvent.TimerFired;
import dev.toygres.engine.orchestration.Task;
import dev.toygres.engine.worker.Registry;
import dev.toygres.testkit.EngineExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Continue-as-new: fresh history, carried-over events, ids, inputs, versions, stale timers. */
class ContinueAsNewCarryOverIT {
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
  @RegisterExtension static final EngineExtension f = EngineExtension.perClass();

  /** State passed from one execution to the next. */
  record Counter(int value, int target, List<Integer> executions) {}

  /** Items collected one per execution. */
  record Collected(int left, List<String> items) {}

  static Registry registry() {
    return Registry.builder()
        .activity("inc", Integer.class, (c, n) -> n + 1)
        // execution 1 waits for "start" and continues as new; execution 2 takes 3 "item" events
        .orchestration(
            "startThenCollect",
            Integer.class,
            (ctx, phase) -> {
              if (phase == 0) {
                ctx.waitForEvent("start", String.class).await();
                ctx.continueAsNew(1);
              }
              List<String> got = new ArrayList<>();
              for (int i = 0; i < 3; i++) {
                got.add(ctx.waitForEvent("item", String.class).await());
              }
              return got;
            })
        .orchestration(
            "oneItemPerExecution",
            Collected.class,
            (ctx, c) -> {
              String item = ctx.waitForEvent("item", String.class).await();
              List<String> items = new ArrayList<>(c.items());
              items.add(item + "@" + ctx.executionId());
              if (c.left() > 1) {
                ctx.continueAsNew(new Collected(c.left() - 1, items));
              }
              return items;
            })
        .orchestration(
            "counter",
            Counter.class,
            (ctx, c) -> {
              int next = ctx.callActivity("inc", c.value(), Integer.class).await();
              List<Integer> seen = new ArrayList<>(c.executions());
              seen.add(ctx.executionId());
              Counter state = new Counter(next, c.target(), seen);
              if (next < c.target()) {
                ctx.continueAsNew(state);
              }
              return state;
            })
        .orchestration(
            "statusPerExecution",
            Integer.class,
            (ctx, last) -> {
              ctx.setCustomStatus("exec-" + ctx.executionId());
              ctx.waitForEvent("next", String.class).await();
              if (ctx.executionId() < last) {
                ctx.continueAsNew(last);
              }
              return "done-" + ctx.executionId();
            })
        // execution 1 leaves a 300 ms timer behind; execution 2 races a long timer against "stop"
        .orchestration(
            "staleTimer",
            Integer.class,
            (ctx, phase) -> {
              if (phase == 0) {
                ctx.createTimer(Duration.ofMillis(300));
                ctx.continueAsNew(1);
              }
              Task<Void> timer = ctx.createTimer(Duration.ofMinutes(10));
              Task<String> stop = ctx.waitForEvent("stop", String.class);
              return ctx.anyOf(timer, stop).await() == timer ? "timer fired" : "stopped";
            })
        .orchestration(
            "versioned",
            "1",
            String.class,
            (ctx, in) -> {
              if (ctx.executionId() == 1) {
                if (in.startsWith("pin")) {
                  ctx.continueAsNew(in, "1");
                }
                ctx.continueAsNew(in);
              }
              return "v1:" + in + "@" + ctx.executionId();
            })
        .orchestration(
            "versioned", "2", String.class, (ctx, in) -> "v2:" + in + "@" + ctx.executionId())
        .build();
  }

  @BeforeAll
  static void startEngine() {
    f.startWorker(registry());
  }

  @Test
  void unconsumedEventsSurviveContinueAsNewInTheOrderRaised() throws Exception {
    f.client().start("startThenCollect", "can-carry", 0);
    f.client().raiseEvent("can-carry", "item", "a");
    f.client().raiseEvent("can-carry", "item", "b");
    f.client().raiseEvent("can-carry", "item", "c");
    f.client().raiseEvent("can-carry", "start", "go");

    assertThat(output(f, "can-carry", STRINGS)).containsExactly("a", "b", "c");
    List<HistoryEvent> second = history(f, "can-carry", 2);
    assertThat(second.get(0)).isInstanceOf(ExecutionStarted.class);
    assertThat(second.subList(1, 4))
        .extracting(e -> ((EventRaised) e).data())
        .containsExactly("\"a\"", "\"b\"", "\"c\"");
  }

  @Test
  void eventsKeepTheirOrderThroughSeveralContinueAsNew() throws Exception {
    f.client().start("oneItemPerExecution", "can-chain", new Collected(4, List.of()));
    for (String item : List.of("w", "x", "y", "z")) {
      f.client().raiseEvent("can-chain", "item", item);
    }

    assertThat(output(f, "can-chain", STRINGS)).containsExactly("w@1", "x@2", "y@3", "z@4");
  }

  @Test
  void eachExecutionStartsWithAFreshSmallHistory() throws Exception {
    f.client().start("counter", "can-fresh", new Counter(0, 10, List.of()));
    output(f, "can-fresh", Counter.class);

    List<ExecutionInfo> executions = f.client().listExecutions("can-fresh");
    assertThat(executions).hasSize(10);
    for (ExecutionInfo e : executions) {
      List<HistoryEvent> h = history(f, "can-fresh", e.executionId());
      assertThat(h.get(0)).isInstanceOf(ExecutionStarted.class);
      assertThat(h).as("history of execution %s", e.executionId()).hasSizeLessThanOrEqualTo(7);
      assertThat(e.eventCount()).isEqualTo(h.size());
    }
    assertThat(f.client().getHistory("can-fresh")).hasSizeLessThanOrEqualTo(7);
  }

  @Test
  void executionIdIncrementsAndTheInputIsPassedOn() throws Exception {
    f.client().start("counter", "can-ids", new Counter(0, 5, List.of()));

    Counter result = output(f, "can-ids", Counter.class);
    assertThat(result.value()).isEqualTo(5);
    assertThat(result.executions()).containsExactly(1, 2, 3, 4, 5);
    assertThat(instance(f, "can-ids").orElseThrow().executionId()).isEqualTo(5);
    List<ExecutionInfo> executions = f.client().listExecutions("can-ids");
    assertThat(executions).extracting(ExecutionInfo::executionId).containsExactly(1, 2, 3, 4, 5);
    assertThat(executions)
        .extracting(ExecutionInfo::status)
        .containsExactly(
            OrchestrationStatus.CONTINUED_AS_NEW,
            OrchestrationStatus.CONTINUED_AS_NEW,
            OrchestrationStatus.CONTINUED_AS_NEW,
            OrchestrationStatus.CONTINUED_AS_NEW,
            OrchestrationStatus.COMPLETED);
    assertThat(executions.get(2).input()).isEqualTo(json(new Counter(2, 5, List.of(1, 2))));
    ExecutionStarted started = (ExecutionStarted) history(f, "can-ids", 3).get(0);
    assertThat(started.input()).isEqualTo(executions.get(2).input());
  }

  @Test
  void customStatusIsVisibleForEachExecutionWhileItRuns() throws Exception {
    f.client().start("statusPerExecution", "can-status", 3);
    for (int exec = 1; exec <= 3; exec++) {
      awaitCustomStatus(f, "can-status", "exec-" + exec);
      assertThat(instance(f, "can-status").orElseThrow().executionId()).isEqualTo(exec);
      assertThat(instance(f, "can-status").orElseThrow().status())
          .isEqualTo(OrchestrationStatus.RUNNING);
      f.client().raiseEvent("can-status", "next", "go");
    }

    assertThat(output(f, "can-status", String.class)).isEqualTo("done-3");
    assertThat(instance(f, "can-status").orElseThrow().customStatus()).isEqualTo(json("exec-3"));
  }

  @Test
  void timersOfAnOldExecutionDoNotFireIntoTheNewOne() throws Exception {
    f.client().start("staleTimer", "can-stale-timer", 0);
    await()
        .atMost(Scenarios.WAIT)
        .until(() -> instance(f, "can-stale-timer").orElseThrow().executionId() == 2);
    await()
        .atMost(Scenarios.WAIT)
        .until(
            () ->
                f.count(
                        "SELECT count(*) FROM {s}.orchestrator_queue WHERE instance_id = 'can-stale-timer'"
                            + " AND execution_id = 1")
                    == 0);
    Thread.sleep(200);
    assertThat(only(history(f, "can-stale-timer", 2), TimerFired.class)).isEmpty();
    assertThat(instance(f, "can-stale-timer").orElseThrow().status())
        .isEqualTo(OrchestrationStatus.RUNNING);

    f.client().raiseEvent("can-stale-timer", "stop", "now");

    assertThat(output(f, "can-stale-timer", String.class)).isEqualTo("stopped");
  }

  @Test
  void continueAsNewMovesToTheLatestVersionByDefault() throws Exception {
    f.client().start("versioned", "can-latest", "in", StartOptions.defaults().withVersion("1"));

    assertThat(output(f, "can-latest", String.class)).isEqualTo("v2:in@2");
    assertThat(f.client().listExecutions("can-latest"))
        .extracting(ExecutionInfo::version)
        .containsExactly("1", "2");
  }

  @Test
  void continueAsNewWithAnExplicitVersionKeepsIt() throws Exception {
    f.client().start("versioned", "can-pinned", "pinned", StartOptions.defaults().withVersion("1"));

    assertThat(output(f, "can-pinned", String.class)).isEqualTo("v1:pinned@2");
    assertThat(f.client().listExecutions("can-pinned"))
        .extracting(ExecutionInfo::version)
        .containsExactly("1", "1");
  }
}
