package dev.toygres.engine.kit;

import static dev.toygres.engine.kit.Scenarios.awaitCustomStatus;
import static dev.toygres.engine.kit.Scenarios.completed;
import static dev.toygres.engine.kit.Scenarios.instance;
import static dev.toygres.engine.kit.Scenarios.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.client.InstanceInfo;
import dev.toygres.engine.worker.Registry;
import dev.toygres.testkit.EngineExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Custom status is visible through the client while the instance runs, and after. */
class CustomStatusIT {
  @RegisterExtension static final EngineExtension f = EngineExtension.perClass();

  /** A structured custom status. */
  record Phase(String name, int step) {}

  static Registry registry() {
    return Registry.builder()
        .activity("echo", String.class, (c, s) -> s)
        .orchestration(
            "phases",
            String.class,
            (ctx, in) -> {
              ctx.setCustomStatus(new Phase("collecting", 1));
              ctx.waitForEvent("next", String.class).await();
              ctx.setCustomStatus(new Phase("approving", 2));
              ctx.waitForEvent("next", String.class).await();
              ctx.setCustomStatus(new Phase("done", 3));
              return "finished";
            })
        .orchestration(
            "clears",
            String.class,
            (ctx, in) -> {
              ctx.setCustomStatus("working");
              ctx.waitForEvent("next", String.class).await();
              ctx.setCustomStatus(null);
              ctx.waitForEvent("next", String.class).await();
              return "finished";
            })
        .orchestration(
            "setOnce",
            String.class,
            (ctx, in) -> {
              if (!ctx.isReplaying()) {
                ctx.setCustomStatus("set in the first step");
              }
              ctx.callActivity("echo", "a", String.class).await();
              ctx.waitForEvent("next", String.class).await();
              return "finished";
            })
        .build();
  }

  @BeforeAll
  static void startEngine() {
    f.startWorker(registry());
  }

  @Test
  void customStatusIsVisibleWhileTheInstanceRuns() throws Exception {
    f.client().start("phases", "cs-phases", null);

    awaitCustomStatus(f, "cs-phases", new Phase("collecting", 1));
    assertThat(instance(f, "cs-phases").orElseThrow().status())
        .isEqualTo(OrchestrationStatus.RUNNING);
    f.client().raiseEvent("cs-phases", "next", "1");
    awaitCustomStatus(f, "cs-phases", new Phase("approving", 2));
    assertThat(instance(f, "cs-phases").orElseThrow().status())
        .isEqualTo(OrchestrationStatus.RUNNING);
    f.client().raiseEvent("cs-phases", "next", "2");

    InstanceInfo done = completed(f, "cs-phases");
    assertThat(done.customStatus()).isEqualTo(json(new Phase("done", 3)));
  }

  @Test
  void customStatusCanBeCleared() throws Exception {
    f.client().start("clears", "cs-clear", null);
    awaitCustomStatus(f, "cs-clear", "working");
    f.client().raiseEvent("cs-clear", "next", "1");

    await()
        .atMost(Scenarios.WAIT)
        .until(() -> instance(f, "cs-clear").orElseThrow().customStatus() == null);
    assertThat(instance(f, "cs-clear").orElseThrow().status())
        .isEqualTo(OrchestrationStatus.RUNNING);
    f.client().raiseEvent("cs-clear", "next", "2");
    assertThat(completed(f, "cs-clear").customStatus()).isNull();
  }

  @Test
  void customStatusSetInAnEarlierStepIsKeptByLaterSteps() throws Exception {
    f.client().start("setOnce", "cs-once", null);
    awaitCustomStatus(f, "cs-once", "set in the first step");
    f.client().raiseEvent("cs-once", "next", "go");

    assertThat(completed(f, "cs-once").customStatus()).isEqualTo(json("set in the first step"));
  }
}
