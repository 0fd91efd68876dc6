package dev.toygres.engine.kit;

import static dev.toygres.engine.kit.Scenarios.history;
import static dev.toygres.engine.kit.Scenarios.only;
import static dev.toygres.engine.kit.Scenarios.output;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.toygres.engine.history.HistoryEvent.ActivityScheduled;
import dev.toygres.engine.history.HistoryEvent.EventRaised;
import dev.toygres.engine.orchestration.Task;
import dev.toygres.engine.orchestration.TaskFailedException;
import dev.toygres.engine.worker.Registry;
import dev.toygres.testkit.EngineExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** anyOf, allOf and newUuid. */
class TaskCompositionIT {
  private static final TypeReference<List<Integer>> INTS = new TypeReference<>() {};
  @RegisterExtension static final EngineExtension f = EngineExtension.perClass();

  /** UUIDs made in a step, what the activity echoed from the first step, and later ones. */
  record Uuids(List<UUID> now, List<UUID> echoed, List<UUID> afterwards) {}

  static Registry registry() {
    return Registry.builder()
        .activity("gate", String.class, (c, key) -> Gate.pass(key))
        .activity("echo", String.class, (c, s) -> s)
        .activity("echoUuids", UUID[].class, (c, u) -> u)
        .activity(
            "sleepThenReturn",
            Integer.class,
            (c, i) -> {
              Thread.sleep(100L * (4 - i));
              return i;
            })
        .activity(
            "fail",
            String.class,
            (c, s) -> {
              throw new IllegalArgumentException("failing " + s);
            })
        .orchestration(
            "anyActivityOrTimer",
            String.class,
            (ctx, in) -> {
              Task<Void> timer = ctx.createTimer(Duration.ofMinutes(10));
              Task<String> activity = ctx.callActivity("echo", in, String.class);
              Task<?> first = ctx.anyOf(timer, activity).await();
              return first == activity ? "activity:" + activity.await() : "timer";
            })
        .orchestration(
            "anyBlockedOrTimer",
            String.class,
            (ctx, key) -> {
              Task<String> blocked = ctx.callActivity("gate", key, String.class);
              Task<Void> timer = ctx.createTimer(Duration.ofMillis(200));
              Task<?> first = ctx.anyOf(blocked, timer).await();
              return (first == timer ? "timer" : "activity")
                  + ", activity done: "
                  + blocked.isDone();
            })
        .orchestration(
            "allInOrder",
            String.class,
            (ctx, in) -> {
              List<Task<Integer>> tasks = new ArrayList<>();
              for (int i = 0; i < 4; i++) {
                tasks.add(ctx.callActivity("sleepThenReturn", i, Integer.class));
              }
              return ctx.allOf(tasks).await();
            })
        .orchestration(
            "allFailsFast",
            String.class,
            (ctx, in) -> {
              Task<String> never = ctx.waitForEvent("never", String.class);
              Task<String> failing = ctx.callActivity("fail", in, String.class);
              try {
                ctx.allOf(List.of(never, failing)).await();
                return "all done";
              } catch (TaskFailedException e) {
                return "failed fast: " + e.failure().message() + ", other done: " + never.isDone();
              }
            })
        .orchestration(
            "allOfNothing",
            String.class,
            (ctx, in) -> {
              List<Task<String>> none = List.of();
              return ctx.allOf(none).await().size();
            })
        .orchestration(
            "uuids",
            String.class,
            (ctx, in) -> {
              List<UUID> now = List.of(ctx.newUuid(), ctx.newUuid(), ctx.newUuid());
              UUID[] echoed =
                  ctx.callActivity("echoUuids", now.toArray(new UUID[0]), UUID[].class).await();
              ctx.createTimer(Duration.ofMillis(10)).await();
              List<UUID> afterwards = List.of(ctx.newUuid(), ctx.newUuid());
              return new Uuids(now, List.of(echoed), afterwards);
            })
        .orchestration(
            "uuidPerExecution",
            String.class,
            (ctx, in) -> {
              String mine = ctx.newUuid().toString();
              if (ctx.executionId() == 1) {
                ctx.continueAsNew(mine);
              }
              return List.of(in, mine);
            })
        .build();
  }

  @BeforeAll
  static void startEngine() {
    f.startWorker(registry());
  }

  @Test
  void anyOfReturnsTheFirstTaskToComplete() throws Exception {
    f.client().start("anyActivityOrTimer", "co-any", "fast");

    assertThat(output(f, "co-any", String.class)).isEqualTo("activity:fast");
  }

  @Test
  void anyOfReturnsTheTimerWhileTheActivityIsStillRunning() throws Exception {
    f.client().start("anyBlockedOrTimer", "co-any-timer", "co-any-timer");
    try {
      assertThat(output(f, "co-any-timer", String.class)).isEqualTo("timer, activity done: false");
    } finally {
      Gate.open("co-any-timer");
    }
  }

  @Test
  void allOfReturnsResultsInCallOrderWhateverOrderTheyComplete() throws Exception {
    f.client().start("allInOrder", "co-all", null);

    assertThat(output(f, "co-all", INTS)).containsExactly(0, 1, 2, 3);
  }

  @Test
  void allOfFailsAsSoonAsOneTaskFails() throws Exception {
    f.client().start("allFailsFast", "co-all-fail", "x");

    assertThat(output(f, "co-all-fail", String.class))
        .isEqualTo("failed fast: failing x, other done: false");
    assertThat(only(history(f, "co-all-fail"), EventRaised.class)).isEmpty();
  }

  @Test
  void allOfNoTasksCompletesAtOnceWithNoResults() throws Exception {
    f.client().start("allOfNothing", "co-all-none", null);

    assertThat(output(f, "co-all-none", Integer.class)).isZero();
  }

  @Test
  void newUuidIsTheSameOnEveryReplayAndDistinctWithinAnExecution() throws Exception {
    f.client().start("uuids", "co-uuid", null);

    Uuids u = output(f, "co-uuid", Uuids.class);
    // the activity echoes the UUIDs of the first step; the last step recomputed them on replay
    assertThat(u.now()).isEqualTo(u.echoed());
    List<UUID> all = new ArrayList<>(u.now());
    all.addAll(u.afterwards());
    assertThat(new HashSet<>(all)).hasSize(5);
    assertThat(only(history(f, "co-uuid"), ActivityScheduled.class).get(0).input())
        .contains(u.now().get(0).toString());
  }

  @Test
  void newUuidDiffersBetweenInstancesAndExecutions() throws Exception {
    f.client().start("uuidPerExecution", "co-uuid-a", "none");
    f.client().start("uuidPerExecution", "co-uuid-b", "none");

    List<String> a = output(f, "co-uuid-a", new TypeReference<List<String>>() {});
    List<String> b = output(f, "co-uuid-b", new TypeReference<List<String>>() {});
    assertThat(a.get(0)).isNotEqualTo(a.get(1));
    assertThat(new HashSet<>(List.of(a.get(0), a.get(1), b.get(0), b.get(1)))).hasSize(4);
  }
}
