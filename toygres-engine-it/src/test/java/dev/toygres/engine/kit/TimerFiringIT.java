package dev.toygres.engine.kit;

import static dev.toygres.engine.kit.Scenarios.awaitCustomStatus;
import static dev.toygres.engine.kit.Scenarios.awaitHistory;
import static dev.toygres.engine.kit.Scenarios.history;
import static dev.toygres.engine.kit.Scenarios.only;
import static dev.toygres.engine.kit.Scenarios.output;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.client.HistoryRecord;
import dev.toygres.engine.client.InstanceInfo;
import dev.toygres.engine.history.HistoryEvent;
import dev.toygres.engine.history.HistoryEvent.OrchestratorStarted;
import dev.toygres.engine.history.HistoryEvent.TimerCreated;
import dev.toygres.engine.history.HistoryEvent.TimerFired;
import dev.toygres.engine.orchestration.Task;
import dev.toygres.engine.orchestration.TaskTimeoutException;
import dev.toygres.engine.worker.DurableWorker;
import dev.toygres.engine.worker.Registry;
import dev.toygres.testkit.EngineExtension;
import dev.toygres.testkit.EngineFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Durable timers fire no earlier than due, in due order, durably, and many at once. */
class TimerFiringIT {
  private static final TypeReference<List<Integer>> INTS = new TypeReference<>() {};
  private static final TypeReference<List<Instant>> TIMES = new TypeReference<>() {};
  @RegisterExtension static final EngineExtension f = EngineExtension.perClass();

  static Registry registry() {
    return Registry.builder()
        .activity("echo", String.class, (c, s) -> s)
        .orchestration(
            "sleep",
            Long.class,
            (ctx, ms) -> {
              Instant before = ctx.currentTime();
              ctx.createTimer(Duration.ofMillis(ms)).await();
              return List.of(before, ctx.currentTime());
            })
        // timers of 900, 300 and 600 ms; returns their indexes in the order they completed
        .orchestration(
            "race",
            String.class,
            (ctx, in) -> {
              List<Task<Void>> timers = new ArrayList<>();
              for (long ms : new long[] {900, 300, 600}) {
                timers.add(ctx.createTimer(Duration.ofMillis(ms)));
              }
              List<Task<Void>> left = new ArrayList<>(timers);
              List<Integer> order = new ArrayList<>();
              while (!left.isEmpty()) {
                Task<?> first = ctx.anyOf(left).await();
                order.add(timers.indexOf(first));
                left.remove(first);
              }
              return order;
            })
        .orchestration(
            "past",
            String.class,
            (ctx, in) -> {
              ctx.createTimer(ctx.currentTime().minus(Duration.ofHours(1))).await();
              ctx.createTimer(Duration.ZERO).await();
              return "fired";
            })
        .orchestration(
            "clock",
            String.class,
            (ctx, in) -> {
              List<Instant> seen = new ArrayList<>();
              seen.add(ctx.currentTime());
              ctx.callActivity("echo", "a", String.class).await();
              seen.add(ctx.currentTime());
              ctx.createTimer(Duration.ofMillis(50)).await();
              seen.add(ctx.currentTime());
              ctx.callActivity("echo", "b", String.class).await();
              seen.add(ctx.currentTime());
              return seen;
            })
        .orchestration(
            "eventOrTimeout",
            Long.class,
            (ctx, ms) -> {
              ctx.setCustomStatus("waiting");
              try {
                return ctx.waitForEvent("x", String.class, Duration.ofMillis(ms)).await();
              } catch (TaskTimeoutException e) {
                return "timeout";
              }
            })
        .build();
  }

  @BeforeAll
  static void startEngine() {
    f.startWorker(registry());
  }

  @Test
  void timerDoesNotCompleteBeforeItsDelayAndCompletesSoonAfter() throws Exception {
    f.client().start("sleep", "tm-1500", 1500L);

    List<Instant> times = output(f, "tm-1500", TIMES);
    assertThat(Duration.between(times.get(0), times.get(1)))
        .isGreaterThanOrEqualTo(Duration.ofMillis(1500));
    List<HistoryRecord> records = f.client().getHistory("tm-1500");
    TimerCreated created =
        records.stream()
            .map(HistoryRecord::event)
            .filter(TimerCreated.class::isInstance)
            .map(TimerCreated.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(created.fireAt()).isEqualTo(times.get(0).plusMillis(1500));
    HistoryRecord fired =
        records.stream().filter(r -> r.event() instanceof TimerFired).findFirst().orElseThrow();
    assertThat(fired.recordedAt()).isAfterOrEqualTo(created.fireAt());
    assertThat(Duration.between(created.fireAt(), times.get(1))).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void severalTimersCompleteInTheOrderTheyAreDue() throws Exception {
    f.client().start("race", "tm-race", null);

    assertThat(output(f, "tm-race", INTS)).containsExactly(1, 2, 0);
  }

  @Test
  void timerInThePastFiresImmediately() throws Exception {
    f.client().start("past", "tm-past", null);

    assertThat(output(f, "tm-past", String.class)).isEqualTo("fired");
    List<HistoryEvent> h = history(f, "tm-past");
    List<TimerCreated> created = only(h, TimerCreated.class);
    Instant firstStep = only(h, OrchestratorStarted.class).get(0).time();
    assertThat(created.get(0).fireAt()).isEqualTo(firstStep.minus(Duration.ofHours(1)));
    assertThat(only(h, TimerFired.class)).hasSize(2);
  }

  @Test
  void manyConcurrentTimersAllFire() throws Exception {
    int n = 200;
    for (int i = 0; i < n; i++) {
      f.client().start("sleep", "tm-many-" + i, 1000L);
    }
    for (int i = 0; i < n; i++) {
      InstanceInfo info = f.client().waitForCompletion("tm-many-" + i, Duration.ofSeconds(90));
      assertThat(info.status()).as("tm-many-%s", i).isEqualTo(OrchestrationStatus.COMPLETED);
      List<Instant> t = output(f, "tm-many-" + i, TIMES);
      assertThat(Duration.between(t.get(0), t.get(1)))
          .isGreaterThanOrEqualTo(Duration.ofMillis(1000));
    }
  }

  @Test
  void currentTimeAdvancesWithStepsAndNeverGoesBack() throws Exception {
    f.client().start("clock", "tm-clock", null);

    List<Instant> seen = output(f, "tm-clock", TIMES);
    assertThat(seen).isSorted();
    assertThat(seen.get(3)).isAfter(seen.get(0));
    assertThat(Duration.between(seen.get(1), seen.get(2)))
        .isGreaterThanOrEqualTo(Duration.ofMillis(50));
    List<Instant> steps =
        only(history(f, "tm-clock"), OrchestratorStarted.class).stream()
            .map(OrchestratorStarted::time)
            .toList();
    assertThat(seen.get(0)).isEqualTo(steps.get(0));
    assertThat(steps).containsAll(seen);
  }

  @Test
  void timerSurvivesAWorkerRestart() throws Exception {
    try (EngineFixture g = new EngineFixture(8)) {
      DurableWorker first = g.startWorker(registry());
      g.client().start("sleep", "tm-restart", 1500L);
      awaitHistory(g, "tm-restart", e -> e instanceof TimerCreated);
      first.close();
      Thread.sleep(300);
      assertThat(only(history(g, "tm-restart"), TimerFired.class)).isEmpty();

      g.startWorker(registry());

      List<Instant> t = output(g, "tm-restart", TIMES);
      assertThat(Duration.between(t.get(0), t.get(1)))
          .isGreaterThanOrEqualTo(Duration.ofMillis(1500));
    }
  }

  @Test
  void timersThatBecameDueWhileNoWorkerRanCompleteInDueOrder() throws Exception {
    try (EngineFixture g = new EngineFixture(8)) {
      DurableWorker first = g.startWorker(registry());
      g.client().start("race", "tm-race-down", null);
      awaitHistory(g, "tm-race-down", e -> e instanceof TimerCreated t && t.taskId() == 2);
      first.close();
      Thread.sleep(1200);

      g.startWorker(registry());

      assertThat(output(g, "tm-race-down", INTS)).containsExactly(1, 2, 0);
    }
  }

  @Test
  void eventRaisedBeforeTheTimeoutWinsEvenIfTheWorkerSeesBothLate() throws Exception {
    try (EngineFixture g = new EngineFixture(8)) {
      DurableWorker first = g.startWorker(registry());
      g.client().start("eventOrTimeout", "tm-event-first", 1000L);
      awaitCustomStatus(g, "tm-event-first", "waiting");
      first.close();
      g.client().raiseEvent("tm-event-first", "x", "in time");
      Thread.sleep(1300);

      g.startWorker(registry());

      assertThat(output(g, "tm-event-first", String.class)).isEqualTo("in time");
    }
  }

  @Test
  void negativeTimerDelayFailsTheOrchestration() throws Exception {
    try (EngineFixture g = new EngineFixture(8)) {
      g.startWorker(
          Registry.builder()
              .orchestration(
                  "negative",
                  String.class,
                  (ctx, in) -> {
                    ctx.createTimer(Duration.ofMillis(-1)).await();
                    return "no";
                  })
              .build());
      g.client().start("negative", "tm-negative", null);

      InstanceInfo info = Scenarios.finish(g, "tm-negative");
      assertThat(info.status()).isEqualTo(OrchestrationStatus.FAILED);
      assertThat(info.failure().message()).contains("timer delay must not be negative");
      assertThat(only(history(g, "tm-negative"), TimerCreated.class)).isEmpty();
    }
  }
}
