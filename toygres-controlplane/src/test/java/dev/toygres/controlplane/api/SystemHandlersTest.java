package dev.toygres.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.controlplane.actor.DoctorReport.Singleton;
import dev.toygres.engine.client.QueueStats;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SystemHandlersTest {
  private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
  private static final HealthReport.Component DATABASE =
      new HealthReport.Component(HealthReport.DATABASE, "reachable", true, NOW, 0.5, null);
  private static final Singleton PRUNER =
      new Singleton("pruner", "toygres-pruner", "running", NOW, 3.0, true, "progress 3 s ago");

  @Test
  void aHealthySystemHasNoProblems() {
    HealthReport ok = new HealthReport(HealthReport.OK, true, true, NOW, List.of(DATABASE));
    List<SystemHandlers.QueueView> queues =
        List.of(queue(QueueStats.ORCHESTRATIONS, 3, Duration.ofSeconds(60)));

    assertThat(SystemHandlers.problems(ok, List.of(PRUNER), queues)).isEmpty();
  }

  @Test
  void everyUnhealthyPartIsOneProblemThatNamesItAndSaysWhy() {
    HealthReport down =
        new HealthReport(
            HealthReport.UNAVAILABLE,
            false,
            false,
            NOW,
            List.of(
                new HealthReport.Component(
                    HealthReport.DATABASE, "unreachable", false, NOW, 12.0, "timed out")));
    Singleton cancelled =
        new Singleton("actor-supervisor", "x", "cancelled", NOW, 1.0, false, "not running");
    List<SystemHandlers.QueueView> queues =
        List.of(
            queue(QueueStats.ORCHESTRATIONS, 0, Duration.ZERO),
            queue(QueueStats.ACTIVITIES, 7, Duration.ofSeconds(61)));

    assertThat(SystemHandlers.problems(down, List.of(PRUNER, cancelled), queues))
        .containsExactly(
            "the server is not ready (unavailable)",
            "the server is not live: a worker loop has not made progress",
            "component metadata_database is unreachable: timed out",
            "singleton actor-supervisor is cancelled: not running",
            "engine queue activities: the oldest of 7 ready items waits for 61 s");
  }

  @Test
  void aQueueIsBackloggedOnlyOnceItsOldestReadyItemWaitedOverAMinute() {
    SystemHandlers.QueueView minute = queue(QueueStats.ACTIVITIES, 1, Duration.ofSeconds(60));
    SystemHandlers.QueueView over = queue(QueueStats.ACTIVITIES, 1, Duration.ofMillis(60_001));

    assertThat(minute.healthy()).isTrue();
    assertThat(over.healthy()).isFalse();
    assertThat(over.oldestReadySeconds()).isEqualTo(60.001);
  }

  private static SystemHandlers.QueueView queue(String name, long ready, Duration oldest) {
    return SystemHandlers.QueueView.of(new QueueStats(name, ready, oldest));
  }
}
