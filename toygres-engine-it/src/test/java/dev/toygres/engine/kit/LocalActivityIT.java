package dev.toygres.engine.kit;

import static dev.toygres.engine.kit.Scenarios.history;
import static dev.toygres.engine.kit.Scenarios.only;
import static dev.toygres.engine.kit.Scenarios.output;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.engine.history.HistoryEvent;
import dev.toygres.engine.history.HistoryEvent.ActivityScheduled;
import dev.toygres.engine.history.HistoryEvent.LocalActivityRecorded;
import dev.toygres.engine.history.HistoryEvent.OrchestratorStarted;
import dev.toygres.engine.history.HistoryEvent.TimerCreated;
import dev.toygres.engine.orchestration.ActivityOptions;
import dev.toygres.engine.orchestration.RetryPolicy;
import dev.toygres.engine.orchestration.TaskFailedException;
import dev.toygres.engine.worker.Registry;
import dev.toygres.testkit.EngineExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Local activities on a real worker: run in the step that calls them, recorded with it, never run
 * again by later steps, retried in the step, and fenced by the step's lease.
 */
class LocalActivityIT {
  private static final Map<String, AtomicInteger> RUNS = new ConcurrentHashMap<>();
  private static final ActivityOptions THREE_QUICK =
      ActivityOptions.retry(RetryPolicy.fixed(3, Duration.ofMillis(50)))
          .withAttemptTimeout(Duration.ofMillis(500));
  @RegisterExtension static final EngineExtension f = EngineExtension.perClass();

  /** A call that fails its first {@code failures} runs. */
  record Flaky(String key, int failures) {}

  static int run(String key) {
    return RUNS.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
  }

  static int runs(String key) {
    return RUNS.getOrDefault(key, new AtomicInteger()).get();
  }

  static Registry registry() {
    return Registry.builder()
        .activity("count", String.class, (ctx, key) -> key + "#" + run(key))
        .activity(
            "flaky",
            Flaky.class,
            (ctx, in) -> {
              int n = run(in.key());
              if (n <= in.failures()) {
                throw new IllegalStateException("run " + n + " failed");
              }
              return "ok after " + n;
            })
        .activity(
            "fencedInsert",
            String.class,
            (ctx, key) -> {
              try (Connection c = f.pool().getConnection()) {
                c.setAutoCommit(false);
                ctx.lease().ensureHeldIn(c, "recording " + key);
                try (PreparedStatement ps =
                    c.prepareStatement("INSERT INTO " + f.schema() + ".fenced VALUES (?)")) {
                  ps.setString(1, key);
                  ps.executeUpdate();
                }
                c.commit();
              }
              return key;
            })
        .orchestration(
            "twoChecks",
            String.class,
            (ctx, key) -> {
              String a = ctx.callLocalActivity("count", key + "-a", String.class).await();
              ctx.createTimer(Duration.ofMillis(50)).await();
              String b = ctx.callLocalActivity("count", key + "-b", String.class).await();
              return a + "," + b;
            })
        .orchestration(
            "flakyLocal",
            Flaky.class,
            (ctx, in) -> {
              try {
                return ctx.callLocalActivity("flaky", in, String.class, THREE_QUICK).await();
              } catch (TaskFailedException e) {
                return "gave up: " + e.failure().message();
              }
            })
        .orchestration(
            "fenced",
            String.class,
            (ctx, key) -> ctx.callLocalActivity("fencedInsert", key, String.class).await())
        .build();
  }

  @BeforeAll
  static void startEngine() {
    f.sql("CREATE TABLE " + f.schema() + ".fenced (key text NOT NULL)");
    f.startWorker(registry());
  }

  @Test
  void eachLocalActivityRunsOnceInTheStepThatCallsItAndLaterStepsReplayItsResult()
      throws Exception {
    f.client().start("twoChecks", "two-1", "k");

    assertThat(output(f, "two-1", String.class)).isEqualTo("k-a#1,k-b#1");
    assertThat(runs("k-a")).isEqualTo(1);
    assertThat(runs("k-b")).isEqualTo(1);
    List<HistoryEvent> h = history(f, "two-1");
    assertThat(only(h, LocalActivityRecorded.class))
        .containsExactly(
            new LocalActivityRecorded(0, "count", "\"k-a#1\"", null, 1),
            new LocalActivityRecorded(2, "count", "\"k-b#1\"", null, 1));
    assertThat(only(h, ActivityScheduled.class)).isEmpty();
    assertThat(only(h, TimerCreated.class)).hasSize(1);
    assertThat(only(h, OrchestratorStarted.class))
        .as("two steps: check + timer, then timer fired + check + completion")
        .hasSize(2);
  }

  @Test
  void failedAttemptsAreRetriedWithinTheStepAndTheRecordSaysHowManyItTook() throws Exception {
    f.client().start("flakyLocal", "flaky-1", new Flaky("flaky-1", 2));

    assertThat(output(f, "flaky-1", String.class)).isEqualTo("ok after 3");
    List<HistoryEvent> h = history(f, "flaky-1");
    assertThat(only(h, LocalActivityRecorded.class))
        .containsExactly(new LocalActivityRecorded(0, "flaky", "\"ok after 3\"", null, 3));
    assertThat(only(h, OrchestratorStarted.class)).as("one step, no retry timers").hasSize(1);
    assertThat(only(h, TimerCreated.class)).isEmpty();
  }

  @Test
  void whenEveryAttemptFailsAwaitThrowsTheLastFailure() throws Exception {
    f.client().start("flakyLocal", "flaky-2", new Flaky("flaky-2", 10));

    assertThat(output(f, "flaky-2", String.class)).isEqualTo("gave up: run 3 failed");
    assertThat(runs("flaky-2")).isEqualTo(3);
    LocalActivityRecorded r = only(history(f, "flaky-2"), LocalActivityRecorded.class).get(0);
    assertThat(r.attempts()).isEqualTo(3);
    assertThat(r.failure().errorType()).isEqualTo(IllegalStateException.class.getName());
  }

  @Test
  void aLocalActivitysFenceHoldsForTheWorkerRunningItsStep() throws Exception {
    f.client().start("fenced", "fenced-1", "row-1");

    assertThat(output(f, "fenced-1", String.class)).isEqualTo("row-1");
    assertThat(f.count("SELECT count(*) FROM {s}.fenced WHERE key = 'row-1'")).isEqualTo(1);
  }
}
