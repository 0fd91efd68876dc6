package dev.toygres.engine.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.activity.LeaseFence;
import dev.toygres.engine.activity.LeaseLostException;
import dev.toygres.engine.history.HistoryEvent.LocalActivityRecorded;
import dev.toygres.engine.internal.signal.StepAborted;
import dev.toygres.engine.orchestration.ActivityOptions;
import dev.toygres.engine.orchestration.RetryPolicy;
import dev.toygres.engine.orchestration.TaskTimeoutException;
import dev.toygres.engine.store.internal.OrchestrationWorkItem;
import dev.toygres.engine.worker.Registry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The worker's local activity runner: attempts, in-process retries, timeouts, its limit, fence. */
class LocalActivitiesTest {
  private static final OrchestrationWorkItem ITEM =
      new OrchestrationWorkItem(
          "i-1",
          UUID.randomUUID(),
          "o",
          "1",
          OrchestrationStatus.RUNNING,
          2,
          List.of(),
          List.of(),
          3,
          null,
          Instant.EPOCH,
          false);
  private static final ActivityOptions FAST_RETRIES =
      ActivityOptions.retry(RetryPolicy.fixed(3, Duration.ofMillis(1)))
          .withAttemptTimeout(Duration.ofSeconds(2));

  private final AtomicInteger calls = new AtomicInteger();
  private final AtomicReference<LeaseFence> fenceSeen = new AtomicReference<>();
  private final CountDownLatch never = new CountDownLatch(1);
  private LocalActivities local;

  private LocalActivities local(Registry registry) {
    local = new LocalActivities(registry, item -> LeaseFence.UNCHECKED, Duration.ofSeconds(15));
    return local;
  }

  @AfterEach
  void close() {
    never.countDown();
    if (local != null) {
      local.close();
    }
  }

  private Registry flaky(int failures) {
    return Registry.builder()
        .activity(
            "check",
            Integer.class,
            (ctx, n) -> {
              fenceSeen.set(ctx.lease());
              if (calls.incrementAndGet() <= failures) {
                throw new IllegalStateException("attempt " + calls.get() + " refused");
              }
              return "ok-" + n + "-task-" + ctx.taskId() + "-" + ctx.instanceId();
            })
        .build();
  }

  @Test
  void aFailingAttemptIsRetriedInProcessAndTheResultRecordsHowManyAttemptsItTook() {
    LocalActivityRecorded r = local(flaky(2)).forStep(ITEM).run(4, "check", "7", FAST_RETRIES);

    assertThat(calls).hasValue(3);
    assertThat(r).isEqualTo(new LocalActivityRecorded(4, "check", "\"ok-7-task-4-i-1\"", null, 3));
  }

  @Test
  void whenEveryAttemptFailsTheLastFailureIsRecorded() {
    LocalActivityRecorded r = local(flaky(5)).forStep(ITEM).run(0, "check", "7", FAST_RETRIES);

    assertThat(calls).hasValue(3);
    assertThat(r.result()).isNull();
    assertThat(r.attempts()).isEqualTo(3);
    assertThat(r.failure().errorType()).isEqualTo(IllegalStateException.class.getName());
    assertThat(r.failure().message()).isEqualTo("attempt 3 refused");
  }

  @Test
  void anAttemptPastItsTimeoutFailsAsATimeout() {
    Registry hangs =
        Registry.builder()
            .activity(
                "hang",
                Integer.class,
                (ctx, n) -> {
                  never.await();
                  return "late";
                })
            .build();

    LocalActivityRecorded r =
        local(hangs)
            .forStep(ITEM)
            .run(
                0,
                "hang",
                "1",
                ActivityOptions.defaults().withAttemptTimeout(Duration.ofMillis(50)));

    assertThat(r.attempts()).isEqualTo(1);
    assertThat(r.failure().errorType()).isEqualTo(TaskTimeoutException.class.getName());
    assertThat(r.failure().message()).contains("local activity 'hang' attempt 1 did not finish");
  }

  @Test
  void aCallWhoseRetriesCouldOutlastHalfTheLeaseFailsWithoutRunning() {
    ActivityOptions slow =
        ActivityOptions.retry(RetryPolicy.fixed(3, Duration.ofSeconds(1)))
            .withAttemptTimeout(Duration.ofSeconds(5));

    LocalActivityRecorded r = local(flaky(0)).forStep(ITEM).run(0, "check", "7", slow);

    assertThat(calls).hasValue(0);
    assertThat(r.attempts()).isZero();
    assertThat(r.failure().errorType()).isEqualTo("LocalActivityTooLong");
    assertThat(local.worstCase(slow)).isEqualTo(Duration.ofSeconds(17));
  }

  @Test
  void withoutATimeoutEachAttemptGetsAnEqualShareOfTheBudgetLeftAfterTheDelays() {
    LocalActivities l = local(flaky(0));
    ActivityOptions three = ActivityOptions.retry(RetryPolicy.fixed(3, Duration.ofSeconds(3)));

    assertThat(l.attemptTimeout(three)).isEqualTo(Duration.ofSeconds(3));
    assertThat(l.worstCase(three)).isEqualTo(Duration.ofSeconds(15));
    assertThat(l.attemptTimeout(ActivityOptions.defaults())).isEqualTo(Duration.ofSeconds(15));
  }

  @Test
  void delaysAloneLongerThanTheBudgetFailTheCallWithoutRunningIt() {
    ActivityOptions waits = ActivityOptions.retry(RetryPolicy.fixed(3, Duration.ofSeconds(8)));

    LocalActivityRecorded r = local(flaky(0)).forStep(ITEM).run(0, "check", "7", waits);

    assertThat(calls).hasValue(0);
    assertThat(r.failure().errorType()).isEqualTo("LocalActivityTooLong");
  }

  @Test
  void anUnregisteredActivityFailsWithoutRunning() {
    LocalActivityRecorded r = local(flaky(0)).forStep(ITEM).run(0, "nope", "7", FAST_RETRIES);

    assertThat(r.failure().errorType()).isEqualTo("ActivityNotRegistered");
  }

  @Test
  void theActivitysLeaseIsTheStepsFence() {
    LeaseFence stepFence = tx -> true;
    local =
        new LocalActivities(
            flaky(0), item -> item == ITEM ? stepFence : null, Duration.ofSeconds(15));

    local.forStep(ITEM).run(0, "check", "7", FAST_RETRIES);

    assertThat(fenceSeen.get()).isSameAs(stepFence);
  }

  @Test
  void aFenceFindingTheLeaseLostAbortsTheStepInsteadOfRecordingAnything() {
    Registry fenced =
        Registry.builder()
            .activity(
                "write",
                Integer.class,
                (ctx, n) -> {
                  calls.incrementAndGet();
                  throw new LeaseLostException("recording: lease lost");
                })
            .build();

    assertThatThrownBy(() -> local(fenced).forStep(ITEM).run(0, "write", "1", FAST_RETRIES))
        .isInstanceOf(StepAborted.class)
        .hasMessageContaining("its fence found the instance's lease lost");
    assertThat(calls).as("no retry once the lease is gone").hasValue(1);
  }
}
