package dev.toygres.engine.kit;

import static dev.toygres.engine.kit.Scenarios.awaitCustomStatus;
import static dev.toygres.engine.kit.Scenarios.output;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.engine.client.ExecutionInfo;
import dev.toygres.engine.history.HistoryEvent;
import dev.toygres.engine.history.HistoryEvent.ActivityFailed;
import dev.toygres.engine.history.HistoryEvent.ContinuedAsNew;
import dev.toygres.engine.history.HistoryEvent.SubOrchestrationCompleted;
import dev.toygres.engine.history.HistoryEvent.TimerFired;
import dev.toygres.engine.kit.RecordedOrchestrations.Chain;
import dev.toygres.testkit.EngineExtension;
import dev.toygres.testkit.HistoryReplayer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs the recorded scenarios live and checks that their fresh histories replay. With {@code
 * -Dtoygres.recordHistories=true} it also (re)writes {@code src/test/resources/histories/*.json},
 * which {@link RecordedHistoryReplayTest} replays on every build.
 */
class RecordedHistoriesIT {
  private static final boolean RECORD = Boolean.getBoolean("toygres.recordHistories");
  private static final Path DIR = Path.of("src", "test", "resources", "histories");
  @RegisterExtension static final EngineExtension f = EngineExtension.perClass();

  @BeforeAll
  static void startEngine() {
    f.startWorker(RecordedOrchestrations.registry());
  }

  /** Every execution of the instance, concatenated, as the recording format wants it. */
  private static List<HistoryEvent> recording(String id) {
    List<HistoryEvent> all = new ArrayList<>();
    for (ExecutionInfo e : f.client().listExecutions(id)) {
      all.addAll(Scenarios.history(f, id, e.executionId()));
    }
    return all;
  }

  private static List<HistoryEvent> checkAndMaybeRecord(String id) throws Exception {
    List<HistoryEvent> events = recording(id);
    HistoryReplayer.assertReplays(RecordedOrchestrations.orchestrations().build(), id, events);
    assertThat(HistoryReplayer.parse(HistoryReplayer.toJson(events))).isEqualTo(events);
    if (RECORD) {
      HistoryReplayer.save(DIR.resolve(id + ".json"), events);
    }
    return events;
  }

  @Test
  void fanOutHistoryReplays() throws Exception {
    f.client().start("fan-out", "fan-out", 4);

    assertThat(output(f, "fan-out", Integer.class)).isEqualTo(1 + 4 + 9 + 16);
    List<HistoryEvent> events = checkAndMaybeRecord("fan-out");
    assertThat(events).hasAtLeastOneElementOfType(SubOrchestrationCompleted.class);
  }

  @Test
  void retryHistoryReplays() throws Exception {
    RecordedOrchestrations.FLAKY_ATTEMPTS.remove("retry");
    f.client().start("retry", "retry", "retry");

    assertThat(output(f, "retry", String.class)).isEqualTo("retried: retry on attempt 3");
    List<HistoryEvent> events = checkAndMaybeRecord("retry");
    assertThat(events.stream().filter(ActivityFailed.class::isInstance)).hasSize(2);
  }

  @Test
  void timerAndEventHistoryReplays() throws Exception {
    f.client().start("timer-and-event", "timer-and-event", "order 7");
    awaitCustomStatus(f, "timer-and-event", "waiting for approval");
    f.client().raiseEvent("timer-and-event", "approve", "alice");

    assertThat(output(f, "timer-and-event", String.class))
        .startsWith("order 7 approved by alice ticket ");
    List<HistoryEvent> events = checkAndMaybeRecord("timer-and-event");
    assertThat(events).hasAtLeastOneElementOfType(TimerFired.class);
  }

  @Test
  void continueAsNewChainHistoryReplays() throws Exception {
    f.client().start("continue-as-new-chain", "continue-as-new-chain", new Chain(1, List.of()));
    for (String tick : List.of("t1", "t2", "t3")) {
      f.client().raiseEvent("continue-as-new-chain", "tick", tick);
    }

    assertThat(output(f, "continue-as-new-chain", String[].class))
        .containsExactly("t1#1", "t2#2", "t3#3");
    List<HistoryEvent> events = checkAndMaybeRecord("continue-as-new-chain");
    assertThat(events.stream().filter(ContinuedAsNew.class::isInstance)).hasSize(2);
  }
}
