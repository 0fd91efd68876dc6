package dev.toygres.engine.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.engine.client.QueueStats;
import dev.toygres.engine.store.internal.WorkQueues;
import dev.toygres.engine.worker.Registry;
import dev.toygres.testkit.EngineFixture;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code DurableClient.queues()} against real queues, moved by hand as a worker would: what is
 * ready counts (with the age of the oldest), what is leased by a live worker does not.
 */
class QueueStatsIT {
  private static final Registry REGISTRY =
      Registry.builder()
          .orchestration(
              "caller",
              String.class,
              (ctx, in) -> ctx.callActivity("act", in, String.class).await())
          .activity("act", String.class, (ctx, in) -> in)
          .build();

  @Test
  void readyWorkAndTheAgeOfTheOldestAreCountedPerQueueAndLeasedActivitiesAreNot() throws Exception {
    try (EngineFixture f = new EngineFixture()) {
      assertThat(f.client().queues())
          .containsExactly(
              new QueueStats(QueueStats.ORCHESTRATIONS, 0, Duration.ZERO),
              new QueueStats(QueueStats.ACTIVITIES, 0, Duration.ZERO));

      f.client().start("caller", "q-1", "a");
      f.client().start("caller", "q-2", "b");
      Thread.sleep(200);
      QueueStats orchestrations = f.client().queues().get(0);
      assertThat(orchestrations.queue()).isEqualTo(QueueStats.ORCHESTRATIONS);
      assertThat(orchestrations.ready()).isEqualTo(2);
      assertThat(orchestrations.oldestReadyAge()).isGreaterThanOrEqualTo(Duration.ofMillis(200));

      WorkQueues queues = WorkQueues.of(f.store());
      StoreKit.runNextStep(queues, REGISTRY);
      List<QueueStats> afterStep = f.client().queues();
      assertThat(afterStep.get(0).ready()).isEqualTo(1);
      assertThat(afterStep.get(1))
          .satisfies(
              a -> {
                assertThat(a.queue()).isEqualTo(QueueStats.ACTIVITIES);
                assertThat(a.ready()).isEqualTo(1);
              });

      StoreKit.awaitActivity(queues, "hand", StoreKit.LONG_LEASE);
      assertThat(f.client().queues().get(1))
          .isEqualTo(new QueueStats(QueueStats.ACTIVITIES, 0, Duration.ZERO));
    }
  }
}
