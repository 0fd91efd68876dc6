package dev.toygres.engine.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.client.HistoryRecord;
import dev.toygres.engine.client.InstanceInfo;
import dev.toygres.engine.history.HistoryEvent;
import dev.toygres.engine.history.HistoryEvent.ActivityCompleted;
import dev.toygres.engine.history.HistoryEvent.ActivityFailed;
import dev.toygres.engine.orchestration.ActivityOptions;
import dev.toygres.engine.orchestration.RetryPolicy;
import dev.toygres.engine.worker.Registry;
import dev.toygres.engine.worker.WorkerOptions;
import dev.toygres.testkit.EngineExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The worker's attempt timeout abandons a hung activity (interrupted, lease no longer renewed, late
 * result dropped) so its retry policy runs it again; an activity whose work item was taken over by
 * another worker is interrupted when the lease keeper finds the lease gone.
 */
class ActivityTimeoutAndFencingIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Duration ACTIVITY_TIMEOUT = Duration.ofSeconds(1);
  private static final AtomicInteger ATTEMPTS = new AtomicInteger();
  private static final AtomicBoolean INTERRUPTED = new AtomicBoolean();
  private static volatile CountDownLatch started = new CountDownLatch(1);
  private static volatile CountDownLatch release = new CountDownLatch(1);
  private static volatile CountDownLatch returned = new CountDownLatch(1);

  @RegisterExtension final EngineExtension f = EngineExtension.perMethod();

  @BeforeEach
  void reset() {
    ATTEMPTS.set(0);
    INTERRUPTED.set(false);
    started = new CountDownLatch(1);
    release = new CountDownLatch(1);
    returned = new CountDownLatch(1);
  }

  @AfterEach
  void unblock() {
    release.countDown();
  }

  static Registry registry() {
    return Registry.builder()
        .activity(
            "hangsFirst",
            String.class,
            (c, in) -> {
              int attempt = ATTEMPTS.incrementAndGet();
              if (attempt > 1) {
                return "ok on " + attempt;
              }
              started.countDown();
              // Hung, and deaf to interrupts: only the test releases it.
              boolean released = false;
              while (!released) {
                try {
                  released = release.await(50, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                  INTERRUPTED.set(true);
                }
              }
              returned.countDown();
              return "late";
            })
        .activity(
            "runsUntilInterrupted",
            String.class,
            (c, in) -> {
              started.countDown();
              try {
                Thread.sleep(Long.MAX_VALUE);
              } catch (InterruptedException e) {
                INTERRUPTED.set(true);
                throw e;
              }
              return "never";
            })
        .activity("echo", String.class, (c, in) -> "echo " + in)
        .orchestration(
            "retriesHung",
            String.class,
            (ctx, in) ->
                ctx.callActivity(
                        "hangsFirst",
                        in,
                        String.class,
                        ActivityOptions.retry(RetryPolicy.fixed(3, Duration.ofMillis(100))))
                    .await())
        .orchestration(
            "retriesHungWithItsOwnTimeout",
            String.class,
            (ctx, in) ->
                ctx.callActivity(
                        "hangsFirst",
                        in,
                        String.class,
                        ActivityOptions.retry(RetryPolicy.fixed(3, Duration.ofMillis(100)))
                            .withAttemptTimeout(Duration.ofMillis(500)))
                    .await())
        .orchestration(
            "callsLong",
            String.class,
            (ctx, in) -> ctx.callActivity("runsUntilInterrupted", in, String.class).await())
        .orchestration(
            "echoing",
            String.class,
            (ctx, in) -> ctx.callActivity("echo", in, String.class).await())
        .build();
  }

  private static WorkerOptions options() {
    return WorkerOptions.defaults()
        .withPollInterval(Duration.ofMillis(100))
        .withLease(Duration.ofSeconds(1))
        .withActivityTimeout(ACTIVITY_TIMEOUT);
  }

  @Test
  void hungActivityIsAbandonedAtTheWorkersTimeoutAndRetriedByItsPolicy() throws Exception {
    f.startWorker(registry(), options());
    f.client().start("retriesHung", "hung-1", "x");

    InstanceInfo info = f.client().waitForCompletion("hung-1", WAIT);

    assertThat(info.status()).isEqualTo(OrchestrationStatus.COMPLETED);
    assertThat(info.output()).isEqualTo("\"ok on 2\"");
    assertThat(returned.getCount()).as("the first attempt still hangs").isEqualTo(1);
    assertThat(INTERRUPTED).as("the hung attempt's thread was interrupted").isTrue();
    List<ActivityFailed> failed = only(history("hung-1"), ActivityFailed.class);
    assertThat(failed).hasSize(1);
    assertThat(failed.get(0).failure().errorType()).isEqualTo("ActivityTimedOut");
    assertThat(failed.get(0).failure().message()).contains("timed out after PT1S");
    assertThat(
            f.count(
                "SELECT count(*) FROM "
                    + f.schema()
                    + ".activity_queue WHERE instance_id = 'hung-1'"))
        .as("the hung attempt's work item is gone: nothing renews its lease any more")
        .isZero();

    release.countDown();
    assertThat(returned.await(30, TimeUnit.SECONDS)).isTrue();
    // Outcomes are written in order: once a later one is in, the late result was dealt with.
    f.client().start("echoing", "after", "x");
    assertThat(f.client().waitForCompletion("after", WAIT).status())
        .isEqualTo(OrchestrationStatus.COMPLETED);
    assertThat(only(history("hung-1"), ActivityCompleted.class))
        .as("the late result of the timed-out attempt was dropped")
        .extracting(ActivityCompleted::result)
        .containsExactly("\"ok on 2\"");
  }

  @Test
  void callsOwnAttemptTimeoutAlsoFreesTheHungAttemptsThreadAndLeaseOnTheWorker() throws Exception {
    f.startWorker(registry(), options().withActivityTimeout(Duration.ofMinutes(10)));
    f.client().start("retriesHungWithItsOwnTimeout", "own-1", "x");

    InstanceInfo info = f.client().waitForCompletion("own-1", WAIT);
    assertThat(info.status()).isEqualTo(OrchestrationStatus.COMPLETED);
    assertThat(info.output())
        .as("the orchestration's timer timed the attempt out and retried it")
        .isEqualTo("\"ok on 2\"");
    await("the worker interrupts the hung attempt at the call's timeout (plus grace)")
        .atMost(WAIT)
        .untilTrue(INTERRUPTED);
    await("its work item is gone, so its lease is no longer renewed")
        .atMost(WAIT)
        .until(
            () ->
                f.count(
                        "SELECT count(*) FROM "
                            + f.schema()
                            + ".activity_queue WHERE instance_id = 'own-1'")
                    == 0);
    assertThat(returned.getCount()).as("the first attempt still hangs").isEqualTo(1);
  }

  @Test
  void activityWhoseWorkItemWasTakenOverIsInterruptedAndItsOutcomeDropped() throws Exception {
    f.startWorker(registry(), options().withActivityTimeout(Duration.ofMinutes(10)));
    f.client().start("callsLong", "fenced-1", "x");
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();

    // What another worker does once this one's lease has run out (it was paused): lease it anew.
    f.sql(
        "UPDATE "
            + f.schema()
            + ".activity_queue SET lock_token = gen_random_uuid(), locked_by = 'other-worker',"
            + " locked_until = now() + interval '1 hour' WHERE instance_id = 'fenced-1'");

    await("the activity is interrupted").atMost(WAIT).untilTrue(INTERRUPTED);
    f.client().start("echoing", "after", "x");
    assertThat(f.client().waitForCompletion("after", WAIT).status())
        .isEqualTo(OrchestrationStatus.COMPLETED);
    assertThat(
            f.count(
                "SELECT count(*) FROM "
                    + f.schema()
                    + ".activity_queue WHERE instance_id = 'fenced-1'"
                    + " AND locked_by = 'other-worker'"))
        .as("the work item still belongs to the other worker")
        .isEqualTo(1);
    assertThat(history("fenced-1"))
        .as("no outcome of the interrupted attempt was recorded")
        .noneMatch(e -> e instanceof ActivityCompleted || e instanceof ActivityFailed);
    f.client().terminate("fenced-1", "test over");
  }

  private List<HistoryEvent> history(String id) {
    return f.client().getHistory(id).stream().map(HistoryRecord::event).toList();
  }

  private static <T extends HistoryEvent> List<T> only(List<HistoryEvent> events, Class<T> kind) {
    return events.stream().filter(kind::isInstance).map(kind::cast).toList();
  }
}
