package dev.toygres.engine.kit;

import static dev.toygres.engine.kit.Scenarios.awaitCustomStatus;
import static dev.toygres.engine.kit.Scenarios.finish;
import static dev.toygres.engine.kit.Scenarios.history;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.client.InstanceInfo;
import dev.toygres.engine.history.HistoryEvent;
import dev.toygres.engine.history.HistoryEvent.ExecutionFailed;
import dev.toygres.engine.orchestration.NonDeterminismException;
import dev.toygres.engine.orchestration.OrchestrationContext;
import dev.toygres.engine.orchestration.Task;
import dev.toygres.engine.worker.Registry;
import dev.toygres.testkit.EngineExtension;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Code that changes under a running instance is caught on replay. Each orchestration reads a flag
 * (per instance) that the test flips while the instance waits for an event, as if a new build had
 * been deployed.
 */
class NonDeterminismDetectionIT {
  private static final Map<String, Boolean> CHANGED = new ConcurrentHashMap<>();
  @RegisterExtension static final EngineExtension f = EngineExtension.perClass();

  private static boolean changed(OrchestrationContext ctx) {
    return CHANGED.getOrDefault(ctx.instanceId(), false);
  }

  private static String waitForGo(OrchestrationContext ctx) {
    ctx.setCustomStatus("waiting");
    return ctx.waitForEvent("go", String.class).await();
  }

  static Registry registry() {
    return Registry.builder()
        .activity("a", String.class, (c, s) -> "a")
        .activity("b", String.class, (c, s) -> "b")
        .activity("gate", String.class, (c, key) -> Gate.pass(key))
        .orchestration("kid1", String.class, (ctx, in) -> "kid1")
        .orchestration("kid2", String.class, (ctx, in) -> "kid2")
        .orchestration(
            "renamed",
            String.class,
            (ctx, in) -> {
              ctx.callActivity(changed(ctx) ? "b" : "a", in, String.class).await();
              return waitForGo(ctx);
            })
        .orchestration(
            "droppedMidway",
            String.class,
            (ctx, in) -> {
              ctx.callActivity("a", in, String.class).await();
              if (!changed(ctx)) {
                ctx.callActivity("b", in, String.class);
              }
              return waitForGo(ctx);
            })
        .orchestration(
            "droppedAtTheEnd",
            String.class,
            (ctx, in) -> {
              String go = waitForGo(ctx);
              if (!changed(ctx)) {
                ctx.callActivity("gate", in, String.class).await();
              }
              return go;
            })
        .orchestration(
            "swapped",
            String.class,
            (ctx, in) -> {
              Task<String> first = ctx.callActivity(changed(ctx) ? "b" : "a", in, String.class);
              Task<String> second = ctx.callActivity(changed(ctx) ? "a" : "b", in, String.class);
              first.await();
              second.await();
              return waitForGo(ctx);
            })
        .orchestration(
            "timerBecameActivity",
            String.class,
            (ctx, in) -> {
              if (changed(ctx)) {
                ctx.callActivity("a", in, String.class).await();
              } else {
                ctx.createTimer(Duration.ofMillis(10)).await();
              }
              return waitForGo(ctx);
            })
        .orchestration(
            "childRenamed",
            String.class,
            (ctx, in) -> {
              ctx.callSubOrchestration(changed(ctx) ? "kid2" : "kid1", in, String.class).await();
              return waitForGo(ctx);
            })
        .build();
  }

  @BeforeAll
  static void startEngine() {
    f.startWorker(registry());
  }

  /** Runs {@code name} until it waits, changes its code, lets it go on; returns how it ended. */
  private static InstanceInfo changeCodeWhileWaiting(String name, String id) throws Exception {
    f.client().start(name, id, "in");
    awaitCustomStatus(f, id, "waiting");
    CHANGED.put(id, true);
    f.client().raiseEvent(id, "go", "now");
    InstanceInfo info = finish(f, id);
    assertThat(info.status()).as("status of %s", id).isEqualTo(OrchestrationStatus.FAILED);
    assertThat(info.failure().errorType()).isEqualTo(NonDeterminismException.class.getName());
    return info;
  }

  @Test
  void renamedActivityFailsTheInstanceNamingBothActivities() throws Exception {
    InstanceInfo info = changeCodeWhileWaiting("renamed", "nd-renamed");

    assertThat(info.failure().message())
        .contains("nondeterminism in instance 'nd-renamed' execution 1 at history event")
        .contains("history has activity 'a' as task 0, but the code scheduled activity 'b'");
    HistoryEvent last = history(f, "nd-renamed").get(history(f, "nd-renamed").size() - 1);
    assertThat(last).isInstanceOf(ExecutionFailed.class);
  }

  @Test
  void droppedScheduledTaskIsDetected() throws Exception {
    InstanceInfo info = changeCodeWhileWaiting("droppedMidway", "nd-dropped");

    assertThat(info.failure().message())
        .contains("history has activity 'b' as task 1, but the code did not schedule it");
  }

  @Test
  void droppedTaskAfterTheLastAwaitIsDetectedWhenTheCodeCompletes() throws Exception {
    f.client().start("droppedAtTheEnd", "nd-dropped-end", "nd-dropped-end");
    awaitCustomStatus(f, "nd-dropped-end", "waiting");
    f.client().raiseEvent("nd-dropped-end", "go", "now");
    Gate.awaitEntered("nd-dropped-end");
    CHANGED.put("nd-dropped-end", true);
    Gate.open("nd-dropped-end");

    InstanceInfo info = finish(f, "nd-dropped-end");
    assertThat(info.status()).isEqualTo(OrchestrationStatus.FAILED);
    assertThat(info.failure().errorType()).isEqualTo(NonDeterminismException.class.getName());
    assertThat(info.failure().message())
        .contains("history has activity 'gate' as task 0, but the code did not schedule it");
  }

  @Test
  void swappedActivitiesAreDetectedAtTheFirstDifference() throws Exception {
    InstanceInfo info = changeCodeWhileWaiting("swapped", "nd-swapped");

    assertThat(info.failure().message())
        .contains("history has activity 'a' as task 0, but the code scheduled activity 'b'");
  }

  @Test
  void timerReplacedByAnActivityIsDetected() throws Exception {
    InstanceInfo info = changeCodeWhileWaiting("timerBecameActivity", "nd-timer");

    assertThat(info.failure().message())
        .contains("history has timer as task 0, but the code scheduled activity 'a'");
  }

  @Test
  void renamedSubOrchestrationIsDetected() throws Exception {
    InstanceInfo info = changeCodeWhileWaiting("childRenamed", "nd-child");

    assertThat(info.failure().message())
        .contains(
            "history has sub-orchestration 'kid1' as task 0, but the code scheduled sub-orchestration 'kid2'");
  }
}
