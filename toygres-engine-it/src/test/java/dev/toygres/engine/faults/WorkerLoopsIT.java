package dev.toygres.engine.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.client.InstanceInfo;
import dev.toygres.engine.orchestration.ActivityOptions;
import dev.toygres.engine.orchestration.TaskFailedException;
import dev.toygres.engine.worker.DurableWorker;
import dev.toygres.engine.worker.LoopHealth;
import dev.toygres.engine.worker.Registry;
import dev.toygres.engine.worker.WorkerOptions;
import dev.toygres.testkit.EngineExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An {@link Error} thrown by activity or orchestration code fails only that call or instance; the
 * worker's loops go on serving the others, and its health shows every loop progressing, also while
 * every activity slot is busy (issue 10, test 9).
 */
class WorkerLoopsIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static volatile CountDownLatch release = new CountDownLatch(1);

  @RegisterExtension final EngineExtension f = EngineExtension.perMethod();

  @BeforeEach
  void block() {
    release = new CountDownLatch(1);
  }

  @AfterEach
  void unblock() {
    release.countDown();
  }

  static Registry registry() {
    return Registry.builder()
        .activity(
            "echo",
            String.class,
            (c, in) -> {
              return "echo " + in;
            })
        .activity(
            "linkageError",
            String.class,
            (c, in) -> {
              throw new NoClassDefFoundError("simulated: " + in);
            })
        .activity(
            "blocked",
            String.class,
            (c, in) -> {
              release.await();
              return in;
            })
        .orchestration(
            "echoing",
            String.class,
            (ctx, in) -> ctx.callActivity("echo", in, String.class).await())
        .orchestration(
            "callsLinkageError",
            String.class,
            (ctx, in) -> {
              try {
                return ctx.callActivity(
                        "linkageError", in, String.class, ActivityOptions.defaults())
                    .await();
              } catch (TaskFailedException e) {
                return "failed: " + e.failure().errorType() + ": " + e.failure().message();
              }
            })
        .orchestration(
            "errorInCode",
            String.class,
            (ctx, in) -> {
              throw new NoClassDefFoundError("simulated in orchestration " + in);
            })
        .orchestration(
            "callsBlocked",
            String.class,
            (ctx, in) -> ctx.callActivity("blocked", in, String.class).await())
        .build();
  }

  private WorkerOptions options() {
    return WorkerOptions.defaults()
        .withPollInterval(Duration.ofMillis(100))
        .withLease(Duration.ofSeconds(2))
        .withMaxDispatchCount(2);
  }

  @Test
  void errorThrownInsideAnActivityFailsOnlyThatCallAndTheWorkerGoesOnServingOthers()
      throws Exception {
    DurableWorker worker = f.startWorker(registry(), options());
    for (int i = 0; i < 10; i++) {
      if (i % 3 == 0) {
        f.client().start("callsLinkageError", "bad-" + i, "call " + i);
      }
      f.client().start("echoing", "echo-" + i, "n" + i);
    }

    for (int i = 0; i < 10; i++) {
      InstanceInfo echo = f.client().waitForCompletion("echo-" + i, WAIT);
      assertThat(echo.status()).isEqualTo(OrchestrationStatus.COMPLETED);
      assertThat(echo.output()).isEqualTo("\"echo n" + i + "\"");
    }
    for (int i = 0; i < 10; i += 3) {
      InstanceInfo bad = f.client().waitForCompletion("bad-" + i, WAIT);
      assertThat(bad.status()).as("the failed call was caught").isEqualTo(COMPLETED);
      assertThat(bad.output()).contains("NoClassDefFoundError").contains("simulated: call " + i);
    }
    assertEveryLoopProgresses(worker);

    f.client().start("echoing", "echo-after", "later");
    assertThat(f.client().waitForCompletion("echo-after", WAIT).output())
        .isEqualTo("\"echo later\"");
  }

  @Test
  void errorThrownFromOrchestrationCodeFailsOnlyThatInstanceAndTheWorkerGoesOnServingOthers()
      throws Exception {
    DurableWorker worker = f.startWorker(registry(), options());
    f.client().start("errorInCode", "broken", "x");
    for (int i = 0; i < 10; i++) {
      f.client().start("echoing", "echo-" + i, "n" + i);
    }

    InstanceInfo broken = f.client().waitForCompletion("broken", WAIT);
    assertThat(broken.status())
        .as("an Error in orchestration code counts towards poisoning, then fails the instance")
        .isEqualTo(OrchestrationStatus.FAILED);
    assertThat(broken.failure().message()).contains("NoClassDefFoundError");
    for (int i = 0; i < 10; i++) {
      assertThat(f.client().waitForCompletion("echo-" + i, WAIT).output())
          .isEqualTo("\"echo n" + i + "\"");
    }
    assertEveryLoopProgresses(worker);

    f.client().start("echoing", "echo-after", "later");
    assertThat(f.client().waitForCompletion("echo-after", WAIT).output())
        .isEqualTo("\"echo later\"");
  }

  @Test
  void activityPollerKeepsBeatingWhileEveryActivitySlotIsBusy() throws Exception {
    DurableWorker worker =
        f.startWorker(registry(), options().withMaxConcurrentActivities(1).withDispatchers(1, 1));
    f.client().start("callsBlocked", "blocked-1", "one");
    f.client().start("callsBlocked", "blocked-2", "two");
    await()
        .atMost(WAIT)
        .until(() -> loop(worker, "activity-dispatcher-0").state().contains("slots busy"));
    assertEveryLoopProgresses(worker);
    assertThat(loop(worker, "activity-dispatcher-0").state())
        .isEqualTo("all 1 activity slots busy");

    release.countDown();
    assertThat(f.client().waitForCompletion("blocked-1", WAIT).output()).isEqualTo("\"one\"");
    assertThat(f.client().waitForCompletion("blocked-2", WAIT).output()).isEqualTo("\"two\"");
  }

  private static final OrchestrationStatus COMPLETED = OrchestrationStatus.COMPLETED;

  private static LoopHealth loop(DurableWorker worker, String name) {
    return worker.health().stream().filter(h -> h.name().equals(name)).findFirst().orElseThrow();
  }

  /** Every loop finishes a round after now. */
  static void assertEveryLoopProgresses(DurableWorker worker) {
    Instant mark = Instant.now();
    await("every loop of the worker beats after " + mark)
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(worker.health())
                    .hasSizeGreaterThanOrEqualTo(5)
                    .allSatisfy(h -> assertThat(h.lastProgress()).as(h.toString()).isAfter(mark)));
  }
}
