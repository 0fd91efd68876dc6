package dev.toygres.engine.kit;

import static dev.toygres.engine.kit.Scenarios.awaitHistory;
import static dev.toygres.engine.kit.Scenarios.finish;
import static dev.toygres.engine.kit.Scenarios.history;
import static dev.toygres.engine.kit.Scenarios.instance;
import static dev.toygres.engine.kit.Scenarios.only;
import static dev.toygres.engine.kit.Scenarios.output;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.client.InstanceInfo;
import dev.toygres.engine.history.HistoryEvent.DetachedStartCompleted;
import dev.toygres.engine.history.HistoryEvent.OrchestratorStarted;
import dev.toygres.engine.history.HistoryEvent.SubOrchestrationScheduled;
import dev.toygres.engine.orchestration.TaskFailedException;
import dev.toygres.engine.worker.Registry;
import dev.toygres.testkit.EngineExtension;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Sub-orchestrations report back to their parent; detached instances live on their own. */
class SubOrchestrationAndDetachedStartIT {
  private static final TypeReference<List<Integer>> INTS = new TypeReference<>() {};
  @RegisterExtension static final EngineExtension f = EngineExtension.perClass();

  static Registry registry() {
    return Registry.builder()
        .orchestration("double", Integer.class, (ctx, x) -> x * 2)
        .orchestration(
            "boom",
            String.class,
            (ctx, in) -> {
              throw new IllegalStateException("boom: " + in);
            })
        .orchestration(
            "waiter",
            String.class,
            (ctx, in) -> in + ":" + ctx.waitForEvent("go", String.class).await())
        .orchestration(
            "callsDouble",
            Integer.class,
            (ctx, x) -> ctx.callSubOrchestration("double", x, Integer.class).await() + 1)
        .orchestration(
            "catchesBoom",
            String.class,
            (ctx, in) -> {
              try {
                return ctx.callSubOrchestration("boom", in, String.class).await();
              } catch (TaskFailedException e) {
                return e.failure().errorType() + "|" + e.failure().message();
              }
            })
        .orchestration(
            "uncaughtBoom",
            String.class,
            (ctx, in) -> ctx.callSubOrchestration("boom", in, String.class).await())
        .orchestration(
            "twoChildren",
            String.class,
            (ctx, in) ->
                ctx.allOf(
                        List.of(
                            ctx.callSubOrchestration("double", 1, Integer.class),
                            ctx.callSubOrchestration("double", 2, Integer.class)))
                    .await())
        .orchestration(
            "childPerExecution",
            Integer.class,
            (ctx, x) -> {
              int r = ctx.callSubOrchestration("double", x, Integer.class).await();
              if (ctx.executionId() == 1) {
                ctx.continueAsNew(r);
              }
              return r;
            })
        .orchestration(
            "namedChild",
            String.class,
            (ctx, childId) -> {
              try {
                return "child said "
                    + ctx.callSubOrchestration("double", childId, 5, Integer.class).await();
              } catch (TaskFailedException e) {
                return e.failure().errorType();
              }
            })
        .orchestration(
            "startsDetached",
            String.class,
            (ctx, id) -> {
              ctx.startOrchestration("waiter", id, "detached").await();
              return "started " + id;
            })
        .orchestration(
            "startsTaken",
            String.class,
            (ctx, id) -> {
              try {
                ctx.startOrchestration("waiter", id, "second").await();
                return "started";
              } catch (TaskFailedException e) {
                return e.failure().errorType() + "|" + e.failure().message();
              }
            })
        .orchestration(
            "startsDetachedThenWaits",
            String.class,
            (ctx, id) -> {
              ctx.startOrchestration("waiter", id, "detached").await();
              return ctx.waitForEvent("never", String.class).await();
            })
        .build();
  }

  @BeforeAll
  static void startEngine() {
    f.startWorker(registry());
  }

  @Test
  void childResultPropagatesToTheParent() throws Exception {
    f.client().start("callsDouble", "so-result", 20);

    assertThat(output(f, "so-result", Integer.class)).isEqualTo(41);
    InstanceInfo child = instance(f, "so-result:1:0").orElseThrow();
    assertThat(child.output()).isEqualTo("40");
    assertThat(child.parentInstanceId()).isEqualTo("so-result");
  }

  @Test
  void childFailureReachesTheParentAsTaskFailedExceptionWithTheChildsError() throws Exception {
    f.client().start("catchesBoom", "so-catch", "bad input");

    assertThat(output(f, "so-catch", String.class))
        .isEqualTo("java.lang.IllegalStateException|boom: bad input");
    assertThat(finish(f, "so-catch:1:0").status()).isEqualTo(OrchestrationStatus.FAILED);
  }

  @Test
  void uncaughtChildFailureFailsTheParent() throws Exception {
    f.client().start("uncaughtBoom", "so-uncaught", "x");

    InstanceInfo parent = finish(f, "so-uncaught");
    assertThat(parent.status()).isEqualTo(OrchestrationStatus.FAILED);
    assertThat(parent.failure().errorType()).isEqualTo(TaskFailedException.class.getName());
    assertThat(parent.failure().message()).contains("sub-orchestration 'boom'").contains("boom: x");
  }

  @Test
  void childrenGetDeterministicIdsFromParentExecutionAndTask() throws Exception {
    f.client().start("twoChildren", "so-ids", null);

    assertThat(output(f, "so-ids", INTS)).containsExactly(2, 4);
    assertThat(only(history(f, "so-ids"), SubOrchestrationScheduled.class))
        .extracting(SubOrchestrationScheduled::instanceId)
        .containsExactly("so-ids:1:0", "so-ids:1:1");
    for (String child : List.of("so-ids:1:0", "so-ids:1:1")) {
      InstanceInfo info = instance(f, child).orElseThrow();
      assertThat(info.status()).isEqualTo(OrchestrationStatus.COMPLETED);
      assertThat(info.parentInstanceId()).isEqualTo("so-ids");
    }
  }

  @Test
  void childIdsDifferBetweenExecutionsOfTheParent() throws Exception {
    f.client().start("childPerExecution", "so-can", 3);

    assertThat(output(f, "so-can", Integer.class)).isEqualTo(12);
    assertThat(instance(f, "so-can:1:0").orElseThrow().output()).isEqualTo("6");
    assertThat(instance(f, "so-can:2:0").orElseThrow().output()).isEqualTo("12");
  }

  @Test
  void explicitChildIdIsUsed() throws Exception {
    f.client().start("namedChild", "so-named", "so-named-kid");

    assertThat(output(f, "so-named", String.class)).isEqualTo("child said 10");
    assertThat(instance(f, "so-named-kid").orElseThrow().parentInstanceId()).isEqualTo("so-named");
    assertThat(instance(f, "so-named:1:0")).isEmpty();
  }

  @Test
  void childWithATakenIdFailsTheTaskWithOrchestrationAlreadyExists() throws Exception {
    f.client().start("waiter", "so-taken-kid", "owner");
    f.client().start("namedChild", "so-taken", "so-taken-kid");

    assertThat(output(f, "so-taken", String.class)).isEqualTo("OrchestrationAlreadyExists");
    InstanceInfo owner = instance(f, "so-taken-kid").orElseThrow();
    assertThat(owner.status()).isEqualTo(OrchestrationStatus.RUNNING);
    assertThat(owner.parentInstanceId()).isNull();
    assertThat(owner.name()).isEqualTo("waiter");
  }

  @Test
  void detachedStartWithAnExistingIdFailsTheTaskWithOrchestrationAlreadyExists() throws Exception {
    f.client().start("waiter", "so-detached-taken", "first");
    InstanceInfo before = instance(f, "so-detached-taken").orElseThrow();
    f.client().start("startsTaken", "so-starter", "so-detached-taken");

    assertThat(output(f, "so-starter", String.class))
        .startsWith("OrchestrationAlreadyExists|")
        .contains("so-detached-taken");
    DetachedStartCompleted outcome =
        only(history(f, "so-starter"), DetachedStartCompleted.class).get(0);
    assertThat(outcome.failure().errorType()).isEqualTo("OrchestrationAlreadyExists");
    InstanceInfo after = instance(f, "so-detached-taken").orElseThrow();
    assertThat(after.status()).isEqualTo(OrchestrationStatus.RUNNING);
    assertThat(after.createdAt()).isEqualTo(before.createdAt());
    f.client().raiseEvent("so-detached-taken", "go", "ok");
    assertThat(output(f, "so-detached-taken", String.class)).isEqualTo("first:ok");
  }

  @Test
  void detachedInstanceOutlivesTheParentThatCompleted() throws Exception {
    f.client().start("startsDetached", "so-outlive", "so-outlive-detached");

    assertThat(output(f, "so-outlive", String.class)).isEqualTo("started so-outlive-detached");
    InstanceInfo detached = instance(f, "so-outlive-detached").orElseThrow();
    assertThat(detached.status()).isEqualTo(OrchestrationStatus.RUNNING);
    assertThat(detached.parentInstanceId()).isNull();
    f.client().raiseEvent("so-outlive-detached", "go", "later");
    assertThat(output(f, "so-outlive-detached", String.class)).isEqualTo("detached:later");
  }

  @Test
  void detachedInstanceIsNotCancelledWithItsStarter() throws Exception {
    f.client().start("startsDetachedThenWaits", "so-cancel-starter", "so-cancel-detached");
    awaitHistory(f, "so-cancel-starter", e -> e instanceof DetachedStartCompleted);
    awaitHistory(f, "so-cancel-detached", e -> e instanceof OrchestratorStarted);

    f.client().cancel("so-cancel-starter", "done here");

    assertThat(finish(f, "so-cancel-starter").status()).isEqualTo(OrchestrationStatus.CANCELLED);
    Thread.sleep(500);
    assertThat(instance(f, "so-cancel-detached").orElseThrow().status())
        .isEqualTo(OrchestrationStatus.RUNNING);
    f.client().raiseEvent("so-cancel-detached", "go", "still here");
    assertThat(output(f, "so-cancel-detached", String.class)).isEqualTo("detached:still here");
  }
}
