package dev.toygres.engine.kit;

import static dev.toygres.engine.kit.Scenarios.history;
import static dev.toygres.engine.kit.Scenarios.only;
import static dev.toygres.engine.kit.Scenarios.output;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.client.ExecutionInfo;
import dev.toygres.engine.history.HistoryEvent;
import dev.toygres.engine.history.HistoryEvent.EventRaised;
import dev.toygres.engine.history.HistoryEvent.ExecutionStarted;
import dev.toygres.engine.history.HistoryEvent.LocalActivityRecorded;
import dev.toygres.engine.orchestration.Task;
import dev.toygres.engine.worker.Registry;
import dev.toygres.testkit.EngineExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A continue-as-new in place: the new execution replaces the ended one (one execution row, only the
 * new history), keeps the contract of a continue-as-new (next execution number, fresh history,
 * carried-over events, stale timers ignored) and loses nothing that arrives during its step.
 */
class ContinueAsNewInPlaceIT {
  @RegisterExtension static final EngineExtension f = EngineExtension.perClass();

  @BeforeAll
  static void startWorker() {
    f.startWorker(
        Registry.builder()
            .activity("gate", String.class, (ctx, key) -> Gate.pass(key))
            // round 1 continues in place at once; round 2's first step waits at a gate, then for
            // an event
            .orchestration(
                "gatedSecondRound",
                Integer.class,
                (ctx, round) -> {
                  if (round == 1) {
                    ctx.continueAsNewInPlace(2);
                  }
                  String passed =
                      ctx.callLocalActivity("gate", ctx.instanceId(), String.class).await();
                  return passed + " / " + ctx.waitForEvent("poke", String.class).await();
                })
            // rounds 1 and 2 each take one "item" event and leave a 2-second timer behind, then
            // continue in place; round 3 takes an item or its own timer of an hour, whichever
            // comes first, and returns what each round was given
            .orchestration(
                "itemPerRound",
                String.class,
                (ctx, so) -> {
                  Task<String> item = ctx.waitForEvent("item", String.class);
                  String got;
                  if (ctx.executionId() < 3) {
                    ctx.createTimer(Duration.ofSeconds(2));
                    got = item.await();
                  } else {
                    Task<?> first = ctx.anyOf(item, ctx.createTimer(Duration.ofHours(1))).await();
                    got = first == item ? item.await() : "timer";
                  }
                  String seen = so + "," + got + "@" + ctx.executionId();
                  if (ctx.executionId() < 3) {
                    ctx.continueAsNewInPlace(seen);
                  }
                  return seen;
                })
            .build());
  }

  @Test
  void theNewExecutionReplacesTheEndedOneAndAnEventRaisedDuringItsFirstStepIsKept()
      throws Exception {
    f.client().start("gatedSecondRound", "cip-1", 1);
    // The second execution's first step is running: the first execution has not committed yet.
    Gate.awaitEntered("cip-1");
    f.client().raiseEvent("cip-1", "poke", "raised during the step");
    Gate.open("cip-1");

    assertThat(output(f, "cip-1", String.class)).isEqualTo("passed cip-1 / raised during the step");
    assertThat(f.client().listExecutions("cip-1"))
        .as("one execution is stored: the second, in the first one's place")
        .extracting(ExecutionInfo::executionId, ExecutionInfo::status, ExecutionInfo::input)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(2, OrchestrationStatus.COMPLETED, "2"));
    assertThat(history(f, "cip-1", 1)).as("the first execution's history is gone").isEmpty();
    List<HistoryEvent> second = history(f, "cip-1", 2);
    assertThat(second.get(0)).isEqualTo(new ExecutionStarted("gatedSecondRound", "1", "2", null));
    assertThat(second.get(2)).isInstanceOf(LocalActivityRecorded.class);
    assertThat(only(second, EventRaised.class))
        .as("the event arrived during that step and was handed to the next one")
        .hasSize(1);
    assertThat(
            f.count(
                "SELECT count(*) FROM {s}.history WHERE instance_id = 'cip-1' AND execution_id <> 2"))
        .isZero();
  }

  @Test
  void eventsCarryOverAndTheReplacedExecutionsTimerIsIgnored() throws Exception {
    f.client().start("itemPerRound", "cip-2", "start");
    // Round 1 takes "a"; "b", raised with it, is carried over to round 2 (or reaches it later).
    // Round 1's and 2's timers fire after round 3 has begun, addressed to executions that are
    // gone: they must not complete round 3's timer, whose task id is the same.
    f.client().raiseEvent("cip-2", "item", "a");
    f.client().raiseEvent("cip-2", "item", "b");
    await()
        .atMost(Scenarios.WAIT)
        .until(() -> f.client().getInstance("cip-2").orElseThrow().executionId() == 3);
    await()
        .atMost(Scenarios.WAIT)
        .until(
            () ->
                f.count(
                        "SELECT count(*) FROM {s}.orchestrator_queue WHERE instance_id = 'cip-2'"
                            + " AND execution_id IN (1, 2)")
                    == 0);
    f.client().raiseEvent("cip-2", "item", "c");

    String out = output(f, "cip-2", String.class);
    assertThat(out)
        .as("round 3 took the item, not a stale timer of a replaced round")
        .isEqualTo("start,a@1,b@2,c@3");
    assertThat(f.client().listExecutions("cip-2"))
        .extracting(ExecutionInfo::executionId)
        .containsExactly(3);
    assertThat(f.count("SELECT count(*) FROM {s}.executions WHERE instance_id = 'cip-2'"))
        .isEqualTo(1);
  }
}
