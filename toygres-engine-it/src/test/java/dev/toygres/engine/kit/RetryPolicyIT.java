package dev.toygres.engine.kit;

import static dev.toygres.engine.kit.Scenarios.finish;
import static dev.toygres.engine.kit.Scenarios.history;
import static dev.toygres.engine.kit.Scenarios.only;
import static dev.toygres.engine.kit.Scenarios.output;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.client.InstanceInfo;
import dev.toygres.engine.history.HistoryEvent;
import dev.toygres.engine.history.HistoryEvent.ActivityFailed;
import dev.toygres.engine.history.HistoryEvent.ActivityScheduled;
import dev.toygres.engine.history.HistoryEvent.OrchestratorStarted;
import dev.toygres.engine.history.HistoryEvent.TimerCreated;
import dev.toygres.engine.orchestration.ActivityOptions;
import dev.toygres.engine.orchestration.RetryPolicy;
import dev.toygres.engine.orchestration.TaskFailedException;
import dev.toygres.engine.orchestration.TaskTimeoutException;
import dev.toygres.engine.worker.Registry;
import dev.toygres.testkit.EngineExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Activity retries with fixed, linear and exponential backoff, and per-attempt timeouts. */
class RetryPolicyIT {
  private static final Map<String, AtomicInteger> ATTEMPTS = new ConcurrentHashMap<>();
  @RegisterExtension static final EngineExtension f = EngineExtension.perClass();

  /** An activity call that fails its first {@code failures} attempts. */
  record Flaky(String key, int failures) {}

  /** Which policy the orchestration uses, and how often the activity fails. */
  record Case(String key, int failures, String policy) {}

  static int attempt(String key) {
    return ATTEMPTS.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
  }

  static int attempts(String key) {
    return ATTEMPTS.getOrDefault(key, new AtomicInteger()).get();
  }

  static RetryPolicy policy(String name) {
    return switch (name) {
      case "fixed" -> RetryPolicy.fixed(5, Duration.ofMillis(100));
      case "linear" -> RetryPolicy.linear(5, Duration.ofMillis(100), Duration.ofSeconds(1));
      case "exponential" ->
          RetryPolicy.exponential(5, Duration.ofMillis(100), Duration.ofSeconds(10));
      case "capped" -> RetryPolicy.exponential(6, Duration.ofMillis(100), Duration.ofMillis(250));
      case "three" -> RetryPolicy.fixed(3, Duration.ofMillis(50));
      case "none" -> RetryPolicy.none();
      default -> throw new IllegalArgumentException(name);
    };
  }

  static Registry registry() {
    return Registry.builder()
        .activity(
            "flaky",
            Flaky.class,
            (c, in) -> {
              int n = attempt(in.key());
              if (n <= in.failures()) {
                throw new IllegalStateException("attempt " + n + " failed");
              }
              return "ok after " + n;
            })
        .activity(
            "slowFirst",
            String.class,
            (c, key) -> {
              int n = attempt(key);
              if (n == 1) {
                Thread.sleep(2000);
              }
              return "attempt " + n;
            })
        .orchestration(
            "retrying",
            Case.class,
            (ctx, c) -> {
              try {
                return ctx.callActivity(
                        "flaky",
                        new Flaky(c.key(), c.failures()),
                        String.class,
                        ActivityOptions.retry(policy(c.policy())))
                    .await();
              } catch (TaskFailedException e) {
                return "gave up: " + e.failure().message();
              }
            })
        .orchestration(
            "retryingUncaught",
            Case.class,
            (ctx, c) ->
                ctx.callActivity(
                        "flaky",
                        new Flaky(c.key(), c.failures()),
                        String.class,
                        ActivityOptions.retry(policy(c.policy())))
                    .await())
        .orchestration(
            "timedAttempts",
            String.class,
            (ctx, key) ->
                ctx.callActivity(
                        "slowFirst",
                        key,
                        String.class,
                        ActivityOptions.retry(RetryPolicy.fixed(3, Duration.ofMillis(50)))
                            .withAttemptTimeout(Duration.ofMillis(500)))
                    .await())
        .orchestration(
            "timedOnce",
            String.class,
            (ctx, key) -> {
              try {
                return ctx.callActivity(
                        "slowFirst",
                        key,
                        String.class,
                        ActivityOptions.defaults().withAttemptTimeout(Duration.ofMillis(300)))
                    .await();
              } catch (TaskTimeoutException e) {
                return "timed out: " + e.getMessage();
              }
            })
        .build();
  }

  @BeforeAll
  static void startEngine() {
    f.startWorker(registry());
  }

  /** For each retry timer, how long after the step that created it it is due. */
  private static List<Duration> retryDelays(List<HistoryEvent> history) {
    List<Duration> delays = new ArrayList<>();
    Instant step = null;
    for (HistoryEvent e : history) {
      if (e instanceof OrchestratorStarted s) {
        step = s.time();
      } else if (e instanceof TimerCreated t) {
        delays.add(Duration.between(step, t.fireAt()));
      }
    }
    return delays;
  }

  private static Duration ms(long ms) {
    return Duration.ofMillis(ms);
  }

  @Test
  void fixedRetryRetriesAFailingActivityUntilItSucceeds() throws Exception {
    f.client().start("retrying", "rt-fixed", new Case("rt-fixed", 2, "fixed"));

    assertThat(output(f, "rt-fixed", String.class)).isEqualTo("ok after 3");
    assertThat(attempts("rt-fixed")).isEqualTo(3);
    List<HistoryEvent> h = history(f, "rt-fixed");
    assertThat(only(h, ActivityScheduled.class)).hasSize(3);
    assertThat(only(h, ActivityFailed.class)).hasSize(2);
    assertThat(retryDelays(h)).containsExactly(ms(100), ms(100));
  }

  @Test
  void linearBackoffGrowsByItsStep() throws Exception {
    f.client().start("retrying", "rt-linear", new Case("rt-linear", 3, "linear"));

    assertThat(output(f, "rt-linear", String.class)).isEqualTo("ok after 4");
    assertThat(attempts("rt-linear")).isEqualTo(4);
    assertThat(retryDelays(history(f, "rt-linear"))).containsExactly(ms(100), ms(200), ms(300));
  }

  @Test
  void exponentialBackoffDoublesTheDelay() throws Exception {
    f.client().start("retrying", "rt-exp", new Case("rt-exp", 3, "exponential"));

    assertThat(output(f, "rt-exp", String.class)).isEqualTo("ok after 4");
    assertThat(attempts("rt-exp")).isEqualTo(4);
    assertThat(retryDelays(history(f, "rt-exp"))).containsExactly(ms(100), ms(200), ms(400));
  }

  @Test
  void exponentialBackoffIsCappedAtTheMaximumDelay() throws Exception {
    f.client().start("retrying", "rt-capped", new Case("rt-capped", 4, "capped"));

    assertThat(output(f, "rt-capped", String.class)).isEqualTo("ok after 5");
    assertThat(retryDelays(history(f, "rt-capped")))
        .containsExactly(ms(100), ms(200), ms(250), ms(250));
  }

  @Test
  void retryGivesUpAfterMaxAttemptsWithTheLastFailure() throws Exception {
    f.client().start("retrying", "rt-give-up", new Case("rt-give-up", 100, "three"));

    assertThat(output(f, "rt-give-up", String.class)).isEqualTo("gave up: attempt 3 failed");
    assertThat(attempts("rt-give-up")).isEqualTo(3);
    assertThat(only(history(f, "rt-give-up"), ActivityScheduled.class)).hasSize(3);
  }

  @Test
  void uncaughtFinalFailureFailsTheOrchestrationNamingTheActivity() throws Exception {
    f.client().start("retryingUncaught", "rt-uncaught", new Case("rt-uncaught", 100, "three"));

    InstanceInfo info = finish(f, "rt-uncaught");
    assertThat(info.status()).isEqualTo(OrchestrationStatus.FAILED);
    assertThat(info.failure().errorType()).isEqualTo(TaskFailedException.class.getName());
    assertThat(info.failure().message()).contains("activity 'flaky'").contains("attempt 3 failed");
  }

  @Test
  void withoutARetryPolicyAFailedActivityIsNotRetried() throws Exception {
    f.client().start("retrying", "rt-none", new Case("rt-none", 1, "none"));

    assertThat(output(f, "rt-none", String.class)).isEqualTo("gave up: attempt 1 failed");
    assertThat(attempts("rt-none")).isEqualTo(1);
    assertThat(only(history(f, "rt-none"), TimerCreated.class)).isEmpty();
  }

  @Test
  void attemptTimeoutRetriesAnActivityThatIsTooSlow() throws Exception {
    f.client().start("timedAttempts", "rt-slow", "rt-slow");

    assertThat(output(f, "rt-slow", String.class)).isEqualTo("attempt 2");
    assertThat(only(history(f, "rt-slow"), ActivityScheduled.class)).hasSize(2);
  }

  @Test
  void attemptTimeoutWithoutRetryFailsWithTaskTimeoutException() throws Exception {
    f.client().start("timedOnce", "rt-timeout", "rt-timeout");

    assertThat(output(f, "rt-timeout", String.class))
        .isEqualTo("timed out: activity 'slowFirst' attempt 1 timed out after PT0.3S");
    assertThat(attempts("rt-timeout")).isEqualTo(1);
  }
}
