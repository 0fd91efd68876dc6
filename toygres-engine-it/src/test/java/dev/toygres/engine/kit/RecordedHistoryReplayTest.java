package dev.toygres.engine.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toygres.engine.history.HistoryEvent.ActivityScheduled;
import dev.toygres.engine.kit.RecordedOrchestrations.Chain;
import dev.toygres.engine.orchestration.ActivityOptions;
import dev.toygres.engine.orchestration.RetryPolicy;
import dev.toygres.engine.orchestration.Task;
import dev.toygres.engine.worker.Registry;
import dev.toygres.testkit.HistoryReplayer;
import java.io.File;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Replays the committed histories (recorded by {@link RecordedHistoriesIT}) against the current
 * code: a change to {@link RecordedOrchestrations} that would break running instances fails here.
 */
class RecordedHistoryReplayTest {
  private static final List<String> RECORDED =
      List.of("fan-out", "retry", "timer-and-event", "continue-as-new-chain");

  private static Registry current() {
    return RecordedOrchestrations.orchestrations().build();
  }

  @Test
  void everyCommittedHistoryIsReplayedHere() throws Exception {
    URL dir = getClass().getClassLoader().getResource("histories");
    assertThat(dir).isNotNull();
    String[] files = new File(dir.toURI()).list((d, name) -> name.endsWith(".json"));
    assertThat(Arrays.stream(files).map(n -> n.substring(0, n.length() - 5)))
        .containsExactlyInAnyOrderElementsOf(RECORDED);
  }

  @Test
  void fanOutHistoryReplaysWithCurrentCode() {
    HistoryReplayer.assertReplays(current(), "fan-out");
  }

  @Test
  void retryHistoryReplaysWithCurrentCode() {
    HistoryReplayer.assertReplays(current(), "retry");
    assertThat(HistoryReplayer.load("retry"))
        .filteredOn(ActivityScheduled.class::isInstance)
        .hasSize(3);
  }

  @Test
  void timerAndEventHistoryReplaysWithCurrentCode() {
    HistoryReplayer.assertReplays(current(), "timer-and-event");
  }

  @Test
  void continueAsNewChainHistoryReplaysEveryExecution() {
    HistoryReplayer.assertReplays(current(), "continue-as-new-chain");
    assertThat(HistoryReplayer.executions(HistoryReplayer.load("continue-as-new-chain")))
        .hasSize(3);
  }

  @Test
  void replayerCatchesARenamedActivity() {
    Registry changed =
        Registry.builder()
            .orchestration(
                "fan-out",
                Integer.class,
                (ctx, n) -> {
                  List<Task<Integer>> cubes = new ArrayList<>();
                  for (int i = 1; i <= n; i++) {
                    cubes.add(ctx.callActivity("cube", i, Integer.class));
                  }
                  return ctx.callSubOrchestration("sum", ctx.allOf(cubes).await(), Integer.class)
                      .await();
                })
            .build();

    assertThatThrownBy(() -> HistoryReplayer.assertReplays(changed, "fan-out"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("history 'fan-out' execution 1 no longer replays")
        .hasMessageContaining(
            "history has activity 'square' as task 0, but the code scheduled activity 'cube'");
  }

  /** fan-out with its squares as local activities. */
  private static List<Integer> localSquares(
      dev.toygres.engine.orchestration.OrchestrationContext ctx, int n) {
    List<Task<Integer>> squares = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      squares.add(ctx.callLocalActivity("square", i, Integer.class));
    }
    return ctx.allOf(squares).await();
  }

  @Test
  void replayerCatchesAnActivityTurnedIntoALocalActivity() {
    Registry changed =
        Registry.builder()
            .orchestration(
                "fan-out",
                Integer.class,
                (ctx, n) ->
                    ctx.callSubOrchestration("sum", localSquares(ctx, n), Integer.class).await())
            .build();

    assertThatThrownBy(() -> HistoryReplayer.assertReplays(changed, "fan-out"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("history 'fan-out' execution 1 no longer replays")
        .hasMessageContaining(
            "history has activity 'square' as task 0, but the code scheduled local activity"
                + " 'square'");
  }

  @Test
  void anActivityTurnedIntoALocalActivityAsANewVersionLeavesOldHistoriesReplaying() {
    Registry versioned =
        RecordedOrchestrations.orchestrations()
            .orchestration(
                "fan-out",
                "2",
                Integer.class,
                (ctx, n) ->
                    ctx.callSubOrchestration("sum", localSquares(ctx, n), Integer.class).await())
            .build();

    HistoryReplayer.assertReplays(versioned, "fan-out");
  }

  @Test
  void replayerCatchesADroppedTimer() {
    Registry changed =
        Registry.builder()
            .orchestration(
                "timer-and-event",
                String.class,
                (ctx, in) -> {
                  String approval = ctx.waitForEvent("approve", String.class).await();
                  return in + " approved by " + approval + " ticket " + ctx.newUuid();
                })
            .build();

    assertThatThrownBy(() -> HistoryReplayer.assertReplays(changed, "timer-and-event"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("history has timer as task 0, but the code did not schedule it");
  }

  @Test
  void replayerCatchesAChangedResult() {
    Registry changed =
        Registry.builder()
            .orchestration(
                "retry",
                String.class,
                (ctx, key) ->
                    "RETRIED: "
                        + ctx.callActivity(
                                "flaky",
                                key,
                                String.class,
                                ActivityOptions.retry(
                                    RetryPolicy.exponential(
                                        4, Duration.ofMillis(50), Duration.ofSeconds(1))))
                            .await())
            .build();

    assertThatThrownBy(() -> HistoryReplayer.assertReplays(changed, "retry"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("recorded output \"retried: retry on attempt 3\"");
  }

  @Test
  void replayerCatchesAChangedRetryPolicy() {
    Registry changed =
        Registry.builder()
            .orchestration(
                "retry",
                String.class,
                (ctx, key) ->
                    "retried: "
                        + ctx.callActivity(
                                "flaky",
                                key,
                                String.class,
                                ActivityOptions.retry(RetryPolicy.fixed(4, Duration.ZERO)))
                            .await())
            .build();

    assertThatThrownBy(() -> HistoryReplayer.assertReplays(changed, "retry"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(
            "history has timer as task 1, but the code scheduled activity 'flaky'");
  }

  @Test
  void replayerCatchesNewWorkTheHistoryDoesNotHave() {
    Registry changed =
        Registry.builder()
            .orchestration(
                "timer-and-event",
                String.class,
                (ctx, in) -> {
                  ctx.createTimer(Duration.ofMillis(200)).await();
                  String approval =
                      ctx.waitForEvent("approve", String.class, Duration.ofSeconds(30)).await();
                  ctx.callActivity("audit", approval, String.class);
                  return in + " approved by " + approval + " ticket " + ctx.newUuid();
                })
            .build();

    assertThatThrownBy(() -> HistoryReplayer.assertReplays(changed, "timer-and-event"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("the code now schedules work the history does not have")
        .hasMessageContaining("activity 'audit'");
  }

  @Test
  void replayerCatchesAChangeThatOnlyALaterExecutionHits() {
    Registry changed =
        Registry.builder()
            .orchestration(
                "continue-as-new-chain",
                Chain.class,
                (ctx, c) -> {
                  String tick = ctx.waitForEvent("tick", String.class).await();
                  String activity = c.round() == 1 ? "echo" : "shout";
                  String echoed =
                      ctx.callActivity(activity, tick + "#" + c.round(), String.class).await();
                  List<String> log = new ArrayList<>(c.log());
                  log.add(echoed);
                  if (c.round() < 3) {
                    ctx.continueAsNew(new Chain(c.round() + 1, log));
                  }
                  return log;
                })
            .build();

    assertThatThrownBy(() -> HistoryReplayer.assertReplays(changed, "continue-as-new-chain"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("execution 2 no longer replays")
        .hasMessageContaining("but the code scheduled activity 'shout'");
  }

  @Test
  void replayerCatchesAChangedContinueAsNewInput() {
    Registry changed =
        Registry.builder()
            .orchestration(
                "continue-as-new-chain",
                Chain.class,
                (ctx, c) -> {
                  String tick = ctx.waitForEvent("tick", String.class).await();
                  String echoed =
                      ctx.callActivity("echo", tick + "#" + c.round(), String.class).await();
                  if (c.round() < 3) {
                    ctx.continueAsNew(new Chain(c.round() + 1, List.of(echoed.toUpperCase())));
                  }
                  return List.of(echoed);
                })
            .build();

    assertThatThrownBy(() -> HistoryReplayer.assertReplays(changed, "continue-as-new-chain"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("execution 1: recorded continue-as-new input");
  }
}
