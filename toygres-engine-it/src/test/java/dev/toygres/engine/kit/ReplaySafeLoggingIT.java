package dev.toygres.engine.kit;

import static dev.toygres.engine.kit.Scenarios.history;
import static dev.toygres.engine.kit.Scenarios.only;
import static dev.toygres.engine.kit.Scenarios.output;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.toygres.engine.history.HistoryEvent.OrchestratorStarted;
import dev.toygres.engine.worker.Registry;
import dev.toygres.testkit.EngineExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** The orchestration logger writes each line once although the code runs again on every step. */
class ReplaySafeLoggingIT {
  private static final Map<String, List<String>> LIVE_VISITS = new ConcurrentHashMap<>();
  @RegisterExtension static final EngineExtension f = EngineExtension.perClass();
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  static Registry registry() {
    return Registry.builder()
        .activity("echo", String.class, (c, s) -> s)
        .orchestration(
            "chatty",
            String.class,
            (ctx, in) -> {
              ctx.logger().info("starting {}", in);
              String r = ctx.callActivity("echo", "x", String.class).await();
              ctx.logger().info("activity returned {}", r);
              ctx.createTimer(Duration.ofMillis(50)).await();
              ctx.logger().warn("timer fired");
              ctx.logger().info("done");
              return "ok";
            })
        .orchestration(
            "looping",
            Integer.class,
            (ctx, n) -> {
              for (int i = 0; i < n; i++) {
                ctx.logger().info("iteration {}", i);
                ctx.callActivity("echo", "i" + i, String.class).await();
              }
              return n;
            })
        .orchestration(
            "visits",
            String.class,
            (ctx, in) -> {
              for (String point : List.of("start", "after activity", "after timer")) {
                if (!ctx.isReplaying()) {
                  LIVE_VISITS
                      .computeIfAbsent(ctx.instanceId(), k -> new CopyOnWriteArrayList<>())
                      .add(point);
                }
                if (point.equals("start")) {
                  ctx.callActivity("echo", "v", String.class).await();
                } else if (point.equals("after activity")) {
                  ctx.createTimer(Duration.ofMillis(20)).await();
                }
              }
              return "ok";
            })
        .build();
  }

  @BeforeAll
  static void startEngine() {
    f.startWorker(registry());
  }

  @BeforeEach
  void capture() {
    appender.start();
    for (String name : List.of("chatty", "looping")) {
      ((Logger) LoggerFactory.getLogger("orchestration." + name)).addAppender(appender);
    }
  }

  @AfterEach
  void release() {
    for (String name : List.of("chatty", "looping")) {
      ((Logger) LoggerFactory.getLogger("orchestration." + name)).detachAppender(appender);
    }
    appender.stop();
  }

  private List<String> lines(String loggerName) {
    synchronized (appender) {
      List<String> out = new ArrayList<>();
      for (ILoggingEvent e : appender.list) {
        if (e.getLoggerName().equals(loggerName)) {
          out.add(e.getLevel() + " " + e.getFormattedMessage());
        }
      }
      return out;
    }
  }

  @Test
  void eachLogLineIsWrittenOnceThoughTheCodeIsReplayedOnEveryStep() throws Exception {
    f.client().start("chatty", "log-once", "in");

    assertThat(output(f, "log-once", String.class)).isEqualTo("ok");
    assertThat(only(history(f, "log-once"), OrchestratorStarted.class)).hasSize(3);
    assertThat(lines("orchestration.chatty"))
        .containsExactly(
            "INFO starting in", "INFO activity returned x", "WARN timer fired", "INFO done");
  }

  @Test
  void logLinesInALoopAreWrittenOncePerIteration() throws Exception {
    f.client().start("looping", "log-loop", 5);

    assertThat(output(f, "log-loop", Integer.class)).isEqualTo(5);
    assertThat(lines("orchestration.looping"))
        .containsExactly(
            "INFO iteration 0",
            "INFO iteration 1",
            "INFO iteration 2",
            "INFO iteration 3",
            "INFO iteration 4");
  }

  @Test
  void codeSeesItselfAsNotReplayingExactlyOncePerPoint() throws Exception {
    f.client().start("visits", "log-visits", null);

    assertThat(output(f, "log-visits", String.class)).isEqualTo("ok");
    assertThat(LIVE_VISITS.get("log-visits"))
        .containsExactly("start", "after activity", "after timer");
  }
}
