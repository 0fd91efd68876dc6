package dev.toygres.engine.kit;

import static dev.toygres.engine.kit.Scenarios.awaitCustomStatus;
import static dev.toygres.engine.kit.Scenarios.awaitHistory;
import static dev.toygres.engine.kit.Scenarios.finish;
import static dev.toygres.engine.kit.Scenarios.history;
import static dev.toygres.engine.kit.Scenarios.instance;
import static dev.toygres.engine.kit.Scenarios.only;
import static dev.toygres.engine.kit.Scenarios.output;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.client.ExecutionInfo;
import dev.toygres.engine.client.InstanceInfo;
import dev.toygres.engine.client.OrchestrationNotRunningException;
import dev.toygres.engine.history.HistoryEvent;
import dev.toygres.engine.history.HistoryEvent.ActivityScheduled;
import dev.toygres.engine.history.HistoryEvent.ExecutionCancelled;
import dev.toygres.engine.history.HistoryEvent.ExecutionStarted;
import dev.toygres.engine.history.HistoryEvent.OrchestratorStarted;
import dev.toygres.engine.history.HistoryEvent.SubOrchestrationScheduled;
import dev.toygres.engine.history.HistoryEvent.TimerCreated;
import dev.toygres.engine.history.HistoryEvent.TimerFired;
import dev.toygres.engine.orchestration.TaskFailedException;
import dev.toygres.engine.store.internal.OrchestrationWorkItem;
import dev.toygres.engine.store.internal.StepCommit;
import dev.toygres.engine.store.internal.WorkQueues;
import dev.toygres.engine.worker.Registry;
import dev.toygres.engine.worker.internal.StepProcessor;
import dev.toygres.testkit.EngineExtension;
import dev.toygres.testkit.EngineFixture;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Cancellation is forced, cascades to sub-orchestrations and drops pending work. */
class CancellationCascadeIT {
  private static final Set<String> CODE_RAN = ConcurrentHashMap.newKeySet();
  @RegisterExtension static final EngineExtension f = EngineExtension.perClass();

  static Registry registry() {
    return Registry.builder()
        .activity("gate", String.class, (c, key) -> Gate.pass(key))
        .orchestration(
            "parent",
            String.class,
            (ctx, in) -> ctx.callSubOrchestration("child", in, String.class).await())
        .orchestration(
            "child",
            String.class,
            (ctx, in) -> ctx.callSubOrchestration("grandchild", in, String.class).await())
        .orchestration(
            "grandchild",
            String.class,
            (ctx, in) -> {
              CODE_RAN.add(ctx.instanceId());
              return ctx.waitForEvent("never", String.class).await();
            })
        .orchestration(
            "waitsEvent",
            String.class,
            (ctx, in) -> {
              ctx.setCustomStatus("waiting");
              return ctx.waitForEvent("go", String.class).await();
            })
        .orchestration(
            "waitsTimer",
            String.class,
            (ctx, in) -> {
              ctx.createTimer(Duration.ofMinutes(10)).await();
              return "fired";
            })
        .orchestration(
            "busyWithTimer",
            String.class,
            (ctx, key) -> {
              var activity = ctx.callActivity("gate", key, String.class);
              var timer = ctx.createTimer(Duration.ofMillis(800));
              activity.await();
              timer.await();
              return "done";
            })
        .orchestration(
            "watchesChild",
            String.class,
            (ctx, in) -> {
              try {
                return ctx.callSubOrchestration("grandchild", in, String.class).await();
              } catch (TaskFailedException e) {
                return e.failure().errorType() + ": " + e.failure().message();
              }
            })
        .orchestration(
            "namesChild",
            String.class,
            (ctx, childId) -> {
              try {
                ctx.callSubOrchestration("grandchild", childId, null, String.class).await();
              } catch (TaskFailedException e) {
                ctx.setCustomStatus(e.failure().errorType());
              }
              return ctx.waitForEvent("never", String.class).await();
            })
        .build();
  }

  @BeforeAll
  static void startEngine() {
    f.startWorker(registry());
  }

  @Test
  void cancellingAParentCancelsItsRunningChildAndGrandchild() throws Exception {
    f.client().start("parent", "cx-tree", "x");
    String child = "cx-tree:1:0";
    String grandchild = child + ":1:0";
    awaitHistory(f, grandchild, e -> e instanceof OrchestratorStarted);

    f.client().cancel("cx-tree", "tree no longer needed");

    for (String id : List.of("cx-tree", child, grandchild)) {
      InstanceInfo info = finish(f, id);
      assertThat(info.status()).as(id).isEqualTo(OrchestrationStatus.CANCELLED);
      assertThat(info.failure().errorType()).isEqualTo("OrchestrationCancelled");
    }
    assertThat(instance(f, child).orElseThrow().failure().message())
        .contains("parent 'cx-tree' was cancelled")
        .contains("tree no longer needed");
    assertThat(instance(f, grandchild).orElseThrow().failure().message())
        .contains("parent '" + child + "' was cancelled");
  }

  @Test
  void cancelledInstanceIsCancelledNotFailedAndKeepsTheReason() throws Exception {
    f.client().start("waitsEvent", "cx-reason", null);
    awaitCustomStatus(f, "cx-reason", "waiting");

    f.client().cancel("cx-reason", "operator said so");

    InstanceInfo info = finish(f, "cx-reason");
    assertThat(info.status()).isEqualTo(OrchestrationStatus.CANCELLED);
    assertThat(info.failure().errorType()).isEqualTo("OrchestrationCancelled");
    assertThat(info.failure().message()).isEqualTo("operator said so");
    assertThat(info.completedAt()).isNotNull();
    List<HistoryEvent> h = history(f, "cx-reason");
    assertThat(h.get(h.size() - 1)).isEqualTo(new ExecutionCancelled("operator said so"));
    assertThat(f.client().listExecutions("cx-reason"))
        .extracting(ExecutionInfo::status)
        .containsExactly(OrchestrationStatus.CANCELLED);
  }

  @Test
  void cancelWhileWaitingOnATimerEndsItWithoutTheTimerFiring() throws Exception {
    f.client().start("waitsTimer", "cx-timer", null);
    awaitHistory(f, "cx-timer", e -> e instanceof TimerCreated);

    f.client().cancel("cx-timer", "no more waiting");

    assertThat(finish(f, "cx-timer").status()).isEqualTo(OrchestrationStatus.CANCELLED);
    assertThat(only(history(f, "cx-timer"), TimerFired.class)).isEmpty();
    assertThat(
            f.count("SELECT count(*) FROM {s}.orchestrator_queue WHERE instance_id = 'cx-timer'"))
        .isZero();
  }

  @Test
  void cancelWhileWaitingOnAnEventEndsItAndLaterEventsAreRefused() throws Exception {
    f.client().start("waitsEvent", "cx-event", null);
    awaitCustomStatus(f, "cx-event", "waiting");

    f.client().cancel("cx-event", "stop");

    assertThat(finish(f, "cx-event").status()).isEqualTo(OrchestrationStatus.CANCELLED);
    assertThatThrownBy(() -> f.client().raiseEvent("cx-event", "go", "late"))
        .isInstanceOf(OrchestrationNotRunningException.class);
    assertThatThrownBy(() -> f.client().cancel("cx-event", "again"))
        .isInstanceOf(OrchestrationNotRunningException.class);
  }

  @Test
  void cancelledInstanceRecordsNothingMoreFromItsRunningActivityAndTimer() throws Exception {
    f.client().start("busyWithTimer", "cx-pending", "cx-pending");
    Gate.awaitEntered("cx-pending");
    f.client().cancel("cx-pending", "drop it");
    assertThat(finish(f, "cx-pending").status()).isEqualTo(OrchestrationStatus.CANCELLED);
    int size = history(f, "cx-pending").size();

    Gate.open("cx-pending");
    await()
        .atMost(Scenarios.WAIT)
        .until(
            () ->
                f.count(
                        "SELECT (SELECT count(*) FROM {s}.activity_queue WHERE instance_id = 'cx-pending')"
                            + " + (SELECT count(*) FROM {s}.orchestrator_queue WHERE instance_id = 'cx-pending')")
                    == 0);
    Thread.sleep(1000);

    List<HistoryEvent> h = history(f, "cx-pending");
    assertThat(h).hasSize(size);
    assertThat(h.get(h.size() - 1)).isInstanceOf(ExecutionCancelled.class);
    assertThat(instance(f, "cx-pending").orElseThrow().status())
        .isEqualTo(OrchestrationStatus.CANCELLED);
  }

  @Test
  void cancellingAChildDirectlyFailsTheParentsTask() throws Exception {
    f.client().start("watchesChild", "cx-watch", "x");
    awaitHistory(f, "cx-watch:1:0", e -> e instanceof OrchestratorStarted);

    f.client().cancel("cx-watch:1:0", "stop child");

    assertThat(output(f, "cx-watch", String.class)).isEqualTo("OrchestrationCancelled: stop child");
    assertThat(instance(f, "cx-watch:1:0").orElseThrow().status())
        .isEqualTo(OrchestrationStatus.CANCELLED);
  }

  @Test
  void parentThatDoesNotCatchItsCancelledChildFailsRatherThanBeingCancelled() throws Exception {
    f.client().start("child", "cx-uncaught", "x");
    awaitHistory(f, "cx-uncaught:1:0", e -> e instanceof OrchestratorStarted);

    f.client().cancel("cx-uncaught:1:0", "child only");

    InstanceInfo parent = finish(f, "cx-uncaught");
    assertThat(parent.status()).isEqualTo(OrchestrationStatus.FAILED);
    assertThat(parent.failure().errorType()).isEqualTo(TaskFailedException.class.getName());
    assertThat(parent.failure().message()).contains("OrchestrationCancelled: child only");
  }

  @Test
  void cancelBeforeTheFirstStepRunsNoOrchestrationCode() throws Exception {
    try (EngineFixture g = new EngineFixture(8)) {
      g.client().start("grandchild", "cx-early", null);
      g.client().cancel("cx-early", "changed my mind");
      g.startWorker(registry());

      assertThat(finish(g, "cx-early").status()).isEqualTo(OrchestrationStatus.CANCELLED);
      assertThat(CODE_RAN).doesNotContain("cx-early");
      assertThat(history(g, "cx-early"))
          .hasExactlyElementsOfTypes(
              ExecutionStarted.class, OrchestratorStarted.class, ExecutionCancelled.class);
    }
  }

  @Test
  void cancelArrivingWithAFailedChildStartDoesNotCancelTheInstanceThatOwnsTheId() throws Exception {
    try (EngineFixture g = new EngineFixture(8)) {
      Registry r = registry();
      g.client().start("grandchild", "cx-owner", null);
      g.client().start("namesChild", "cx-claimer", "cx-owner");
      StepProcessor steps = new StepProcessor(r, 10);
      // run steps by hand until the claimer has tried (and failed) to start its child
      await()
          .atMost(Scenarios.WAIT)
          .until(
              () -> {
                runOneStep(g, steps);
                return !only(history(g, "cx-claimer"), SubOrchestrationScheduled.class).isEmpty()
                    && history(g, "cx-owner").stream()
                        .anyMatch(e -> e instanceof OrchestratorStarted);
              });
      // the "already exists" outcome is queued for the claimer; the cancel arrives with it
      g.client().cancel("cx-claimer", "stop");
      g.startWorker(r);

      assertThat(finish(g, "cx-claimer").status()).isEqualTo(OrchestrationStatus.CANCELLED);
      await()
          .atMost(Scenarios.WAIT)
          .until(
              () ->
                  g.count(
                          "SELECT count(*) FROM {s}.orchestrator_queue WHERE instance_id = 'cx-owner'")
                      == 0);
      assertThat(instance(g, "cx-owner").orElseThrow().status())
          .isEqualTo(OrchestrationStatus.RUNNING);
      assertThat(only(history(g, "cx-owner"), ActivityScheduled.class)).isEmpty();
      assertThat(history(g, "cx-owner")).noneMatch(e -> e instanceof ExecutionCancelled);
    }
  }

  private static void runOneStep(EngineFixture g, StepProcessor steps) {
    OrchestrationWorkItem item =
        WorkQueues.of(g.store())
            .fetchOrchestrationWorkItem("by-hand", Duration.ofSeconds(30))
            .orElse(null);
    if (item == null) {
      return;
    }
    StepCommit commit = steps.process(item);
    if (commit == null) {
      WorkQueues.of(g.store()).discardMessages(item);
    } else {
      WorkQueues.of(g.store()).commitStep(commit);
    }
  }
}
