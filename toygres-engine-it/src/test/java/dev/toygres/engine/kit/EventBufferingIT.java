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

import com.fasterxml.jackson.core.type.TypeReference;
import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.client.InstanceInfo;
import dev.toygres.engine.client.OrchestrationNotRunningException;
import dev.toygres.engine.history.HistoryEvent;
import dev.toygres.engine.history.HistoryEvent.EventRaised;
import dev.toygres.engine.history.HistoryEvent.TimerFired;
import dev.toygres.engine.orchestration.TaskTimeoutException;
import dev.toygres.engine.worker.Registry;
import dev.toygres.testkit.EngineExtension;
import dev.toygres.testkit.EngineFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** External events: buffering, ordering, one wait per event, timeouts. */
class EventBufferingIT {
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
  @RegisterExtension static final EngineExtension f = EngineExtension.perClass();

  record Order(String id, int quantity) {}

  static Registry registry() {
    return Registry.builder()
        .activity("gate", String.class, (c, key) -> Gate.pass(key))
        .orchestration(
            "collectAfterGo",
            Integer.class,
            (ctx, n) -> {
              ctx.waitForEvent("go", String.class).await();
              List<String> got = new ArrayList<>();
              for (int i = 0; i < n; i++) {
                got.add(ctx.waitForEvent("item", String.class).await());
              }
              return got;
            })
        .orchestration(
            "collectWaiting",
            Integer.class,
            (ctx, n) -> {
              List<String> got = new ArrayList<>();
              for (int i = 0; i < n; i++) {
                ctx.setCustomStatus("waiting-" + i);
                got.add(ctx.waitForEvent("item", String.class).await());
              }
              return got;
            })
        .orchestration(
            "aThenB",
            String.class,
            (ctx, in) -> {
              ctx.setCustomStatus("waiting-a");
              String a = ctx.waitForEvent("a", String.class).await();
              String b = ctx.waitForEvent("b", String.class).await();
              return a + "," + b;
            })
        .orchestration(
            "timeoutCaught",
            Long.class,
            (ctx, ms) -> {
              try {
                return "got " + ctx.waitForEvent("x", String.class, Duration.ofMillis(ms)).await();
              } catch (TaskTimeoutException e) {
                return "timeout: " + e.getMessage();
              }
            })
        .orchestration(
            "timeoutUncaught",
            Long.class,
            (ctx, ms) -> ctx.waitForEvent("x", String.class, Duration.ofMillis(ms)).await())
        .orchestration(
            "timeoutThenWait",
            Long.class,
            (ctx, ms) -> {
              String first;
              try {
                first = ctx.waitForEvent("x", String.class, Duration.ofMillis(ms)).await();
              } catch (TaskTimeoutException e) {
                first = "timeout";
              }
              ctx.setCustomStatus("after-first");
              ctx.waitForEvent("gate", String.class).await();
              String second = ctx.waitForEvent("x", String.class).await();
              return first + "," + second;
            })
        .orchestration(
            "earlyThenWait",
            Long.class,
            (ctx, ms) -> {
              ctx.setCustomStatus("waiting-first");
              String first = ctx.waitForEvent("x", String.class, Duration.ofMillis(ms)).await();
              ctx.setCustomStatus("waiting-second");
              String second = ctx.waitForEvent("x", String.class).await();
              return first + "," + second;
            })
        .orchestration(
            "busy",
            String.class,
            (ctx, key) -> {
              String r = ctx.callActivity("gate", key, String.class).await();
              String e = ctx.waitForEvent("ping", String.class).await();
              return r + "+" + e;
            })
        .orchestration(
            "order",
            String.class,
            (ctx, in) -> {
              Order o = ctx.waitForEvent("order", Order.class).await();
              return o.id() + " x" + o.quantity();
            })
        .build();
  }

  @BeforeAll
  static void startEngine() {
    f.startWorker(registry());
  }

  @Test
  void eventsRaisedBeforeTheWaitAreDeliveredInTheOrderRaised() throws Exception {
    f.client().start("collectAfterGo", "ev-order", 3);
    for (String item : List.of("first", "second", "third")) {
      f.client().raiseEvent("ev-order", "item", item);
    }
    f.client().raiseEvent("ev-order", "go", "now");

    assertThat(output(f, "ev-order", STRINGS)).containsExactly("first", "second", "third");
    List<String> names =
        only(history(f, "ev-order"), EventRaised.class).stream().map(EventRaised::name).toList();
    assertThat(names).containsExactly("item", "item", "item", "go");
  }

  @Test
  void severalEventsOfOneNameGoToSuccessiveWaitsOneEach() throws Exception {
    f.client().start("collectWaiting", "ev-successive", 3);
    awaitCustomStatus(f, "ev-successive", "waiting-0");
    f.client().raiseEvent("ev-successive", "item", "one");
    f.client().raiseEvent("ev-successive", "item", "two");
    f.client().raiseEvent("ev-successive", "item", "three");

    assertThat(output(f, "ev-successive", STRINGS)).containsExactly("one", "two", "three");
  }

  @Test
  void eachWaitTakesOneEventAndTheRestStayUnconsumed() throws Exception {
    // All four are raised before the waits begin (the orchestration waits for "go" first): raised
    // while it waits, the third could find it already completed.
    f.client().start("collectAfterGo", "ev-surplus", 2);
    for (int i = 1; i <= 4; i++) {
      f.client().raiseEvent("ev-surplus", "item", "e" + i);
    }
    f.client().raiseEvent("ev-surplus", "go", "now");

    assertThat(output(f, "ev-surplus", STRINGS)).containsExactly("e1", "e2");
  }

  @Test
  void eventsOfOtherNamesDoNotDisturbAWait() throws Exception {
    f.client().start("aThenB", "ev-names", null);
    awaitCustomStatus(f, "ev-names", "waiting-a");
    f.client().raiseEvent("ev-names", "b", "B1");
    f.client().raiseEvent("ev-names", "unrelated", "X");
    f.client().raiseEvent("ev-names", "b", "B2");
    awaitHistory(f, "ev-names", e -> e instanceof EventRaised r && r.data().equals("\"B2\""));
    assertThat(instance(f, "ev-names").orElseThrow().status())
        .isEqualTo(OrchestrationStatus.RUNNING);

    f.client().raiseEvent("ev-names", "a", "A");

    assertThat(output(f, "ev-names", String.class)).isEqualTo("A,B1");
  }

  @Test
  void waitWithTimeoutFailsWithTaskTimeoutExceptionWhenNothingComes() throws Exception {
    f.client().start("timeoutCaught", "ev-timeout", 300L);

    assertThat(output(f, "ev-timeout", String.class))
        .isEqualTo("timeout: no event 'x' arrived within PT0.3S");
    assertThat(only(history(f, "ev-timeout"), TimerFired.class)).hasSize(1);
  }

  @Test
  void uncaughtWaitTimeoutFailsTheOrchestration() throws Exception {
    f.client().start("timeoutUncaught", "ev-timeout-uncaught", 200L);

    InstanceInfo info = finish(f, "ev-timeout-uncaught");
    assertThat(info.status()).isEqualTo(OrchestrationStatus.FAILED);
    assertThat(info.failure().errorType()).isEqualTo(TaskTimeoutException.class.getName());
  }

  @Test
  void eventArrivingAfterTheTimeoutIsKeptForTheNextWait() throws Exception {
    f.client().start("timeoutThenWait", "ev-late", 200L);
    awaitCustomStatus(f, "ev-late", "after-first");
    f.client().raiseEvent("ev-late", "x", "late");
    awaitHistory(f, "ev-late", e -> e instanceof EventRaised r && r.name().equals("x"));
    f.client().raiseEvent("ev-late", "gate", "open");

    assertThat(output(f, "ev-late", String.class)).isEqualTo("timeout,late");
  }

  @Test
  void eventBeforeTheTimeoutWinsAndTheLaterTimerDisturbsNothing() throws Exception {
    f.client().start("earlyThenWait", "ev-early", 500L);
    awaitCustomStatus(f, "ev-early", "waiting-first");
    f.client().raiseEvent("ev-early", "x", "early");
    awaitCustomStatus(f, "ev-early", "waiting-second");
    awaitHistory(f, "ev-early", e -> e instanceof TimerFired);
    assertThat(instance(f, "ev-early").orElseThrow().status())
        .isEqualTo(OrchestrationStatus.RUNNING);

    f.client().raiseEvent("ev-early", "x", "second");

    assertThat(output(f, "ev-early", String.class)).isEqualTo("early,second");
  }

  @Test
  void eventRaisedWhileBusyInALongActivityIsDeliveredAfterwards() throws Exception {
    f.client().start("busy", "ev-busy", "ev-busy");
    Gate.awaitEntered("ev-busy");
    f.client().raiseEvent("ev-busy", "ping", "pong");
    awaitHistory(f, "ev-busy", e -> e instanceof EventRaised);
    Gate.open("ev-busy");

    assertThat(output(f, "ev-busy", String.class)).isEqualTo("passed ev-busy+pong");
  }

  @Test
  void eventsRaisedBeforeTheFirstStepAreKept() throws Exception {
    try (EngineFixture g = new EngineFixture(8)) {
      g.client().start("collectWaiting", "ev-before-start", 2);
      g.client().raiseEvent("ev-before-start", "item", "early-1");
      g.client().raiseEvent("ev-before-start", "item", "early-2");
      assertThat(history(g, "ev-before-start", 1)).hasSize(1);

      g.startWorker(registry());

      assertThat(output(g, "ev-before-start", STRINGS)).containsExactly("early-1", "early-2");
    }
  }

  @Test
  void eventDataIsReadAsTheRequestedType() throws Exception {
    f.client().start("order", "ev-typed", null);
    f.client().raiseEvent("ev-typed", "order", new Order("o-17", 3));

    assertThat(output(f, "ev-typed", String.class)).isEqualTo("o-17 x3");
  }

  @Test
  void eventForAnEndedInstanceIsRejected() throws Exception {
    f.client().start("order", "ev-ended", null);
    f.client().raiseEvent("ev-ended", "order", new Order("o-1", 1));
    output(f, "ev-ended", String.class);

    assertThatThrownBy(() -> f.client().raiseEvent("ev-ended", "order", new Order("o-2", 2)))
        .isInstanceOf(OrchestrationNotRunningException.class);
    List<HistoryEvent> h = history(f, "ev-ended");
    assertThat(only(h, EventRaised.class)).hasSize(1);
  }
}
