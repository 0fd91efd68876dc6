package dev.toygres.engine.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.client.ExecutionInfo;
import dev.toygres.engine.client.InstanceInfo;
import dev.toygres.engine.client.StartOptions;
import dev.toygres.engine.worker.DurableWorker;
import dev.toygres.engine.worker.Registry;
import dev.toygres.testkit.EngineExtension;
import dev.toygres.testkit.EngineFixture;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Which version an instance runs: at start, on replay by newer workers, and across continue-as-new.
 */
class VersioningIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  @RegisterExtension final EngineExtension f = EngineExtension.perMethod().withPoolSize(16);

  @BeforeEach
  void setUp() {}

  private static Registry.Builder v1() {
    return Registry.builder()
        .orchestration(
            "greeter",
            "1",
            String.class,
            (ctx, in) -> {
              ctx.setCustomStatus("waiting");
              return "v1:" + in + ":" + ctx.waitForEvent("go", String.class).await();
            })
        .orchestration(
            "stepper",
            "1",
            Integer.class,
            (ctx, n) -> {
              if (n < 2) {
                ctx.continueAsNew(n + 1);
              }
              return "v1:" + n;
            })
        .orchestration(
            "pinned",
            "1",
            Integer.class,
            (ctx, n) -> {
              if (n < 2) {
                ctx.continueAsNew(n + 1, "1");
              }
              return "v1:" + n;
            })
        .orchestration("label", "1", String.class, (ctx, in) -> "one")
        .orchestration(
            "parent",
            "1",
            String.class,
            (ctx, in) -> ctx.callSubOrchestration("label", in, String.class).await());
  }

  private static Registry.Builder v1AndV2() {
    return v1().orchestration(
            "greeter",
            "2",
            String.class,
            (ctx, in) -> "v2:" + in + ":" + ctx.waitForEvent("go", String.class).await())
        .orchestration("stepper", "2", Integer.class, (ctx, n) -> "v2:" + n)
        .orchestration("pinned", "2", Integer.class, (ctx, n) -> "v2:" + n)
        .orchestration("label", "2", String.class, (ctx, in) -> "two");
  }

  @Test
  void startRunsTheLatestRegisteredVersionComparedNumerically() throws Exception {
    f.startWorker(
        Registry.builder()
            .orchestration("which", "1.9", String.class, (ctx, in) -> "1.9")
            .orchestration("which", "1.10", String.class, (ctx, in) -> "1.10")
            .orchestration("which", "1", String.class, (ctx, in) -> "1")
            .build());
    f.client().start("which", "w", "");

    InstanceInfo info = f.client().waitForCompletion("w", WAIT);

    assertThat(info.output()).isEqualTo("\"1.10\"");
    assertThat(info.version()).isEqualTo("1.10");
    assertThat(f.client().listExecutions("w"))
        .extracting(ExecutionInfo::version)
        .containsExactly("1.10");
  }

  @Test
  void orchestrationCodeSeesTheVersionItRunsWith() throws Exception {
    f.startWorker(
        Registry.builder()
            .orchestration("self", "3", String.class, (ctx, in) -> ctx.version())
            .orchestration("self", "4", String.class, (ctx, in) -> ctx.version())
            .build());
    f.client().start("self", "latest", "");
    f.client().start("self", "explicit", "", StartOptions.defaults().withVersion("3"));

    assertThat(f.client().waitForCompletion("latest", WAIT).output()).isEqualTo("\"4\"");
    assertThat(f.client().waitForCompletion("explicit", WAIT).output()).isEqualTo("\"3\"");
  }

  @Test
  void instanceStartedOnV1KeepsReplayingV1OnAWorkerThatAlsoHasV2() throws Exception {
    DurableWorker a = f.startWorker(v1().build());
    f.client().start("greeter", "g", "in");
    Awaitility.await()
        .atMost(WAIT)
        .until(
            () -> "\"waiting\"".equals(f.client().getInstance("g").orElseThrow().customStatus()));
    a.close();

    f.startWorker(v1AndV2().build());
    f.client().raiseEvent("g", "go", "ev");
    f.client().start("greeter", "g-new", "in");
    f.client().raiseEvent("g-new", "go", "ev");

    InstanceInfo info = f.client().waitForCompletion("g", WAIT);
    assertThat(info.output()).isEqualTo("\"v1:in:ev\"");
    assertThat(info.version()).isEqualTo("1");
    assertThat(f.client().waitForCompletion("g-new", WAIT).output()).isEqualTo("\"v2:in:ev\"");
  }

  @Test
  void continueAsNewMovesToTheLatestVersion() throws Exception {
    f.startWorker(v1AndV2().build());
    f.client().start("stepper", "s", 0, StartOptions.defaults().withVersion("1"));

    InstanceInfo info = f.client().waitForCompletion("s", WAIT);

    assertThat(info.output()).isEqualTo("\"v2:1\"");
    assertThat(info.version()).isEqualTo("2");
    assertThat(f.client().listExecutions("s"))
        .extracting(ExecutionInfo::version)
        .containsExactly("1", "2");
  }

  @Test
  void continueAsNewWithAnExplicitVersionKeepsIt() throws Exception {
    f.startWorker(v1AndV2().build());
    f.client().start("pinned", "p", 0, StartOptions.defaults().withVersion("1"));

    InstanceInfo info = f.client().waitForCompletion("p", WAIT);

    assertThat(info.output()).isEqualTo("\"v1:2\"");
    assertThat(info.version()).isEqualTo("1");
    assertThat(f.client().listExecutions("p"))
        .extracting(ExecutionInfo::version)
        .containsExactly("1", "1", "1");
  }

  @Test
  void explicitStartVersionRunsThatVersionWhileTheDefaultRunsTheLatest() throws Exception {
    f.startWorker(v1AndV2().build());
    f.client().start("label", "old", "", StartOptions.defaults().withVersion("1"));
    f.client().start("label", "new", "");

    assertThat(f.client().waitForCompletion("old", WAIT).output()).isEqualTo("\"one\"");
    assertThat(f.client().getInstance("old").orElseThrow().version()).isEqualTo("1");
    assertThat(f.client().waitForCompletion("new", WAIT).output()).isEqualTo("\"two\"");
    assertThat(f.client().getInstance("new").orElseThrow().version()).isEqualTo("2");
  }

  @Test
  void subOrchestrationRunsTheLatestVersionOfTheChild() throws Exception {
    f.startWorker(v1AndV2().build());
    f.client().start("parent", "par", "", StartOptions.defaults().withVersion("1"));

    assertThat(f.client().waitForCompletion("par", WAIT).output()).isEqualTo("\"two\"");
    assertThat(f.client().getInstance("par:1:0").orElseThrow().version()).isEqualTo("2");
  }

  @Test
  void startWithAnUnregisteredVersionFailsWithAClearNotRegisteredMessage() throws Exception {
    f.startWorker(v1AndV2().build(), EngineFixture.testOptions().withMaxDispatchCount(1));
    f.client().start("label", "u", "", StartOptions.defaults().withVersion("3"));

    InstanceInfo info = f.client().waitForCompletion("u", WAIT);

    assertThat(info.status()).isEqualTo(OrchestrationStatus.FAILED);
    assertThat(info.failure().errorType()).isEqualTo("PoisonedWorkItem");
    assertThat(info.failure().message())
        .contains(
            "orchestration 'label' version '3' is not registered on this worker (registered versions: 1, 2)");
  }

  @Test
  void instanceOfAVersionNoWorkerHasAnyMoreFailsAsNotRegistered() throws Exception {
    DurableWorker a = f.startWorker(v1().build());
    f.client().start("greeter", "orphan", "in");
    Awaitility.await()
        .atMost(WAIT)
        .until(() -> "1".equals(f.client().getInstance("orphan").orElseThrow().version()));
    a.close();
    f.startWorker(
        Registry.builder().orchestration("greeter", "2", String.class, (ctx, in) -> "v2").build(),
        EngineFixture.testOptions().withMaxDispatchCount(1));

    f.client().raiseEvent("orphan", "go", "ev");

    InstanceInfo info = f.client().waitForCompletion("orphan", WAIT);
    assertThat(info.status()).isEqualTo(OrchestrationStatus.FAILED);
    assertThat(info.failure().message())
        .contains("version '1' is not registered")
        .contains("registered versions: 2");
  }
}
