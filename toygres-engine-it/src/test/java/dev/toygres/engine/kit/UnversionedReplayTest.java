package dev.toygres.engine.kit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.engine.history.HistoryEvent;
import dev.toygres.engine.history.HistoryEvent.ActivityCompleted;
import dev.toygres.engine.history.HistoryEvent.ActivityScheduled;
import dev.toygres.engine.history.HistoryEvent.ContinuedAsNew;
import dev.toygres.engine.history.HistoryEvent.ExecutionCompleted;
import dev.toygres.engine.history.HistoryEvent.ExecutionStarted;
import dev.toygres.engine.history.HistoryEvent.OrchestratorStarted;
import dev.toygres.engine.worker.Registry;
import dev.toygres.testkit.HistoryReplayer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A history recorded from an instance started without a version replays with the version its first
 * step resolved then, not with a version registered since (the first versioned change of an
 * orchestration must not break the replay of its older recordings).
 */
class UnversionedReplayTest {
  private static final Instant T = Instant.parse("2026-11-30T10:00:00Z");

  /** "v1" calls activity "one"; "v2", registered later, calls "two" and says which version ran. */
  private static Registry twoVersions() {
    return Registry.builder()
        .orchestration(
            "o",
            "1",
            Integer.class,
            (ctx, n) -> {
              String r = ctx.callActivity("one", n, String.class).await();
              if (n < 2) {
                ctx.continueAsNew(n + 1);
              }
              return r + "@" + ctx.version();
            })
        .orchestration(
            "o",
            "2",
            Integer.class,
            (ctx, n) -> ctx.callActivity("two", n, String.class).await() + "@" + ctx.version())
        .build();
  }

  private static List<HistoryEvent> execution(String version, int n, HistoryEvent end) {
    return List.of(
        new ExecutionStarted("o", version, String.valueOf(n), null),
        new OrchestratorStarted(T),
        new ActivityScheduled(0, "one", String.valueOf(n)),
        new OrchestratorStarted(T.plusSeconds(1)),
        new ActivityCompleted(0, "\"r" + n + "\""),
        end);
  }

  @Test
  void singleUnversionedExecutionReplaysAsTheVersionRecordedNotTheNewest() {
    List<HistoryEvent> recorded = execution(null, 2, new ExecutionCompleted("\"r2@1\""));

    HistoryReplayer.assertReplays(twoVersions(), "o-1", recorded);
  }

  @Test
  void unversionedFirstExecutionReplaysAsTheVersionItsContinuationMovedTo() {
    List<HistoryEvent> recorded =
        new java.util.ArrayList<>(execution(null, 1, new ContinuedAsNew("2", null)));
    recorded.addAll(execution("1", 2, new ExecutionCompleted("\"r2@1\"")));

    HistoryReplayer.assertReplays(twoVersions(), "o-2", recorded);
    assertThat(HistoryReplayer.replay(twoVersions(), "o-2", recorded))
        .allSatisfy(r -> assertThat(r.decision().failure()).isNull());
  }

  @Test
  void theCodeSeesTheResolvedVersionAsTheWorkerGivesIt() {
    List<HistoryEvent> recorded = execution(null, 2, new ExecutionCompleted("\"r2@1\""));

    assertThat(HistoryReplayer.replay(twoVersions(), "o-3", recorded).get(0).decision().output())
        .isEqualTo("\"r2@1\"");
  }
}
