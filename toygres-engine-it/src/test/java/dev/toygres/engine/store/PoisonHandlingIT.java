package dev.toygres.engine.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.engine.FailureDetails;
import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.client.InstanceInfo;
import dev.toygres.engine.client.StartOptions;
import dev.toygres.engine.orchestration.TaskFailedException;
import dev.toygres.engine.store.internal.ActivityWorkItem;
import dev.toygres.engine.store.internal.WorkQueues;
import dev.toygres.engine.worker.Registry;
import dev.toygres.engine.worker.WorkerOptions;
import dev.toygres.testkit.EngineExtension;
import dev.toygres.testkit.EngineFixture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Work that is dispatched too often without completing is poisoned; ordinary failures are not. */
class PoisonHandlingIT {
  private static final Duration WAIT = Duration.ofSeconds(40);
  private final AtomicInteger runs = new AtomicInteger();
  @RegisterExtension final EngineExtension f = EngineExtension.perMethod().withPoolSize(12);
  private WorkQueues store;
  private Registry registry;

  @BeforeEach
  void setUp() {
    store = WorkQueues.of(f.store());
    registry =
        Registry.builder()
            .activity(
                "flaky",
                String.class,
                (ctx, in) -> {
                  runs.incrementAndGet();
                  return in + "@" + ctx.dispatchCount();
                })
            .activity(
                "throws",
                String.class,
                (ctx, in) -> {
                  runs.incrementAndGet();
                  throw new IllegalArgumentException("nope: " + in);
                })
            .activity(
                "errs",
                String.class,
                (ctx, in) -> {
                  runs.incrementAndGet();
                  throw new AssertionError("activity invariant " + in);
                })
            .orchestration(
                "catching",
                String.class,
                (ctx, activity) -> {
                  try {
                    return "ok " + ctx.callActivity(activity, "in", String.class).await();
                  } catch (TaskFailedException e) {
                    return e.failure().errorType() + " | " + e.failure().message();
                  }
                })
            .orchestration(
                "uncaught",
                String.class,
                (ctx, activity) -> ctx.callActivity(activity, "in", String.class).await())
            .orchestration("recurse", String.class, (ctx, in) -> recurse(in.length()))
            .orchestration(
                "error",
                String.class,
                (ctx, in) -> {
                  throw new AssertionError("broken invariant " + in);
                })
            .orchestration(
                "parent",
                String.class,
                (ctx, child) -> {
                  try {
                    return ctx.callSubOrchestration(child, "x", String.class).await();
                  } catch (TaskFailedException e) {
                    return e.failure().errorType() + " | " + e.failure().message();
                  }
                })
            .build();
  }

  private static int recurse(int n) {
    return recurse(n + 1) + 1;
  }

  private static WorkerOptions limit(int maxDispatchCount) {
    return EngineFixture.testOptions().withMaxDispatchCount(maxDispatchCount);
  }

  /** Schedules the activity by hand and lets {@code deadDispatches} short leases of it expire. */
  private void dispatchWithoutCompleting(String instanceId, int deadDispatches) {
    f.client().start("catching", instanceId, "flaky");
    StoreKit.runNextStep(store, registry);
    for (int i = 1; i <= deadDispatches; i++) {
      ActivityWorkItem item =
          StoreKit.awaitActivity(store, "crashing-" + i, Duration.ofMillis(100));
      assertThat(item.dispatchCount()).isEqualTo(i);
    }
  }

  @Test
  void activityDispatchedMoreThanTheLimitFailsWithPoisonedWorkItem() throws Exception {
    dispatchWithoutCompleting("i", 3);
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();

    f.startWorker(registry, limit(3).withMeterRegistry(metrics));

    InstanceInfo info = f.client().waitForCompletion("i", WAIT);
    assertThat(metrics.get("toygres.engine.poisoned").counter().count()).isEqualTo(1);
    assertThat(
            metrics
                .get("toygres.engine.activity.duration")
                .tags("activity", "flaky", "outcome", "failed")
                .timer()
                .count())
        .isEqualTo(1);
    assertThat(info.status()).isEqualTo(OrchestrationStatus.COMPLETED);
    String out = info.output();
    assertThat(out)
        .startsWith("\"PoisonedWorkItem | ")
        .contains("'flaky'")
        .contains("4 times")
        .contains("limit 3");
    assertThat(runs.get()).as("the poisoned activity is not run again").isZero();
  }

  @Test
  void activityDispatchedUpToTheLimitStillRuns() throws Exception {
    dispatchWithoutCompleting("i", 2);

    f.startWorker(registry, limit(3));

    assertThat(f.client().waitForCompletion("i", WAIT).output()).isEqualTo("\"ok in@3\"");
    assertThat(runs.get()).isEqualTo(1);
  }

  @Test
  void orchestrationRegisteredOnlyInAnotherVersionEndsFailedWithPoisonAndLastError()
      throws Exception {
    f.startWorker(registry, limit(2));
    f.client().start("catching", "i", "flaky", StartOptions.defaults().withVersion("7"));

    InstanceInfo info = f.client().waitForCompletion("i", WAIT);

    assertThat(info.status()).isEqualTo(OrchestrationStatus.FAILED);
    FailureDetails failure = info.failure();
    assertThat(failure.errorType()).isEqualTo("PoisonedWorkItem");
    assertThat(failure.message())
        .contains("'i'")
        .contains("3 times")
        .contains("limit 2")
        .contains("version '7' is not registered")
        .contains("registered versions: 1");
    assertThat(StoreKit.kinds(f.client().getHistory("i")))
        .containsExactly("ExecutionStarted", "OrchestratorStarted", "ExecutionFailed");
  }

  @Test
  void orchestrationOverflowingTheStackEveryStepEndsFailedWithPoison() throws Exception {
    f.startWorker(registry, limit(2));
    f.client().start("recurse", "i", "abc");

    InstanceInfo info = f.client().waitForCompletion("i", WAIT);

    assertThat(info.status()).isEqualTo(OrchestrationStatus.FAILED);
    assertThat(info.failure().errorType()).isEqualTo("PoisonedWorkItem");
    assertThat(info.failure().message()).contains("last error: java.lang.StackOverflowError");
  }

  @Test
  void orchestrationThrowingAnErrorEveryStepEndsFailedWithPoison() throws Exception {
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    f.startWorker(registry, limit(2).withMeterRegistry(metrics));
    f.client().start("error", "i", "x1");

    InstanceInfo info = f.client().waitForCompletion("i", WAIT);
    assertThat(metrics.get("toygres.engine.poisoned").counter().count()).isEqualTo(1);

    assertThat(info.status()).isEqualTo(OrchestrationStatus.FAILED);
    assertThat(info.failure().errorType()).isEqualTo("PoisonedWorkItem");
    assertThat(info.failure().message()).contains("java.lang.AssertionError: broken invariant x1");
  }

  @Test
  void activityThrowingAnExceptionIsAnOrdinaryFailureNotPoison() throws Exception {
    f.startWorker(registry, limit(1));
    f.client().start("catching", "i", "throws");

    InstanceInfo info = f.client().waitForCompletion("i", WAIT);

    assertThat(info.output()).isEqualTo("\"java.lang.IllegalArgumentException | nope: in\"");
    assertThat(runs.get()).isEqualTo(1);
  }

  @Test
  void activityThrowingAnErrorIsReportedAsAnOrdinaryFailure() throws Exception {
    f.startWorker(registry, limit(2));
    f.client().start("catching", "i", "errs");

    InstanceInfo info = f.client().waitForCompletion("i", WAIT);

    assertThat(info.output()).isEqualTo("\"java.lang.AssertionError | activity invariant in\"");
    assertThat(runs.get()).isEqualTo(1);
  }

  @Test
  void uncaughtActivityFailureFailsTheOrchestrationWithTaskFailed() throws Exception {
    f.startWorker(registry);
    f.client().start("uncaught", "i", "throws");

    InstanceInfo info = f.client().waitForCompletion("i", WAIT);

    assertThat(info.status()).isEqualTo(OrchestrationStatus.FAILED);
    assertThat(info.failure().errorType()).isEqualTo(TaskFailedException.class.getName());
    assertThat(info.failure().message()).contains("'throws'").contains("nope: in");
  }

  @Test
  void unknownActivityFailsWithActivityNotRegistered() throws Exception {
    f.startWorker(registry);
    f.client().start("catching", "i", "missing");

    InstanceInfo info = f.client().waitForCompletion("i", WAIT);

    assertThat(info.output()).startsWith("\"ActivityNotRegistered | ").contains("'missing'");
  }

  @Test
  void poisonedSubOrchestrationIsReportedToItsParent() throws Exception {
    f.startWorker(registry, limit(1));
    f.client().start("parent", "p", "nowhere");

    InstanceInfo info = f.client().waitForCompletion("p", WAIT);

    assertThat(info.output())
        .startsWith("\"PoisonedWorkItem | ")
        .contains("'nowhere'")
        .contains("not registered");
    InstanceInfo child = f.client().getInstance("p:1:0").orElseThrow();
    assertThat(child.status()).isEqualTo(OrchestrationStatus.FAILED);
    assertThat(child.failure().errorType()).isEqualTo("PoisonedWorkItem");
  }
}
