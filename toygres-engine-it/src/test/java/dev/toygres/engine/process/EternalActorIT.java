package dev.toygres.engine.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.client.ExecutionInfo;
import dev.toygres.engine.client.InstanceInfo;
import dev.toygres.engine.client.OrchestrationNotRunningException;
import dev.toygres.engine.orchestration.Task;
import dev.toygres.engine.worker.Registry;
import dev.toygres.testkit.EngineExtension;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An "eternal" actor: each execution waits for a short timer or a "ping" event, whichever comes
 * first, and continues as new with its counters. It runs a thousand executions while pings arrive
 * at random moments, including while an execution hands over to the next.
 */
class EternalActorIT {
  private static final int ITERATIONS = 1000;

  /**
   * Most events one execution may hold: its start, the pings carried over or arriving (at most
   * {@link #MAX_UNANSWERED} + 1), two or three steps (an OrchestratorStarted each, plus one for a
   * stale timer of an earlier execution), the timer and the hand-over. Without continue-as-new
   * resetting the history, the last execution would hold thousands.
   */
  private static final int MAX_EVENTS_PER_EXECUTION = 12;

  private static final int MAX_UNANSWERED = 2;

  record ActorState(int iteration, int pings, long pingSum) {}

  record ActorResult(int pings, long pingSum) {}

  @RegisterExtension final EngineExtension f = EngineExtension.perMethod();

  @BeforeEach
  void setUp() {
    f.startWorker(
        Registry.builder()
            .orchestration(
                "actor",
                ActorState.class,
                (ctx, s) -> {
                  ctx.setCustomStatus(s.pings());
                  if (s.iteration() == ITERATIONS) {
                    return new ActorResult(s.pings(), s.pingSum());
                  }
                  Task<Void> tick = ctx.createTimer(Duration.ofMillis(5));
                  Task<Integer> ping = ctx.waitForEvent("ping", Integer.class);
                  if (ctx.anyOf(tick, ping).await() == ping) {
                    ctx.continueAsNew(
                        new ActorState(
                            s.iteration() + 1, s.pings() + 1, s.pingSum() + ping.await()));
                  }
                  ctx.continueAsNew(new ActorState(s.iteration() + 1, s.pings(), s.pingSum()));
                  return null;
                })
            .build());
  }

  @Test
  void actorLoopingThousandTimesKeepsHistorySmallAndAnswersEveryPing() throws Exception {
    f.client().start("actor", "actor-1", new ActorState(0, 0, 0));
    AtomicInteger raised = new AtomicInteger();
    AtomicLong raisedSum = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    Thread pinger = new Thread(() -> ping(raised, raisedSum, stop), "pinger");
    pinger.start();
    InstanceInfo info;
    try {
      info = f.client().waitForCompletion("actor-1", Duration.ofSeconds(120));
    } finally {
      stop.set(true);
      pinger.join();
    }

    assertThat(info.status()).isEqualTo(OrchestrationStatus.COMPLETED);
    assertThat(new ObjectMapper().readValue(info.output(), ActorResult.class))
        .as("pings the actor received, and the sum of their numbers")
        .isEqualTo(new ActorResult(raised.get(), raisedSum.get()));
    assertThat(raised.get()).as("pings raised").isGreaterThan(50);
    List<ExecutionInfo> executions = f.client().listExecutions("actor-1");
    assertThat(executions).hasSize(ITERATIONS + 1);
    assertThat(executions.subList(0, ITERATIONS))
        .allSatisfy(e -> assertThat(e.status()).isEqualTo(OrchestrationStatus.CONTINUED_AS_NEW));
    assertThat(
            f.count(
                "SELECT count(*) FROM {s}.history WHERE event_type = 'EventRaised' AND seq = 1"))
        .as("executions that began with pings carried over from the one before")
        .isPositive();
    ExecutionInfo largest =
        executions.stream().max(Comparator.comparingInt(ExecutionInfo::eventCount)).orElseThrow();
    assertThat(largest.eventCount())
        .as(
            () ->
                "largest history of one execution: "
                    + f.client().getHistory("actor-1", largest.executionId()))
        .isLessThanOrEqualTo(MAX_EVENTS_PER_EXECUTION);
  }

  /**
   * Raises pings numbered 1, 2, ... at random moments (sometimes two at once) until the actor is
   * four fifths through, so it has time to take every one before it ends. It keeps at most {@value
   * #MAX_UNANSWERED} pings unanswered (per the actor's custom status): a history can only stay
   * small if events do not come faster than the actor takes them.
   */
  private void ping(AtomicInteger raised, AtomicLong raisedSum, AtomicBoolean stop) {
    Random random = new Random(42);
    try {
      while (!stop.get()) {
        InstanceInfo now = f.client().getInstance("actor-1").orElseThrow();
        if (now.executionId() > ITERATIONS * 4 / 5 || now.status().isTerminal()) {
          return;
        }
        int answered = now.customStatus() == null ? 0 : Integer.parseInt(now.customStatus());
        int burst =
            Math.min(random.nextInt(4) == 0 ? 2 : 1, MAX_UNANSWERED - (raised.get() - answered));
        for (int i = 0; i < burst; i++) {
          int n = raised.get() + 1;
          f.client().raiseEvent("actor-1", "ping", n);
          raised.set(n);
          raisedSum.addAndGet(n);
        }
        Thread.sleep(random.nextInt(25));
      }
    } catch (OrchestrationNotRunningException e) {
      // a ping refused because the actor had ended was never raised: not counted
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
