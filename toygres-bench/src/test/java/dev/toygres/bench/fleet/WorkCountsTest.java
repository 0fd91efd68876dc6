package dev.toygres.bench.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WorkCountsTest {
  @Test
  void countsReadTheWorkersCompletedHealthChecksQuickOrFullAndCommitsNotOtherActivities() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Timer check =
        Timer.builder("toygres.engine.activity.duration")
            .tag("activity", "toygres.actor.check")
            .tag("outcome", "completed")
            .register(meters);
    Timer failedCheck =
        Timer.builder("toygres.engine.activity.duration")
            .tag("activity", "toygres.actor.check")
            .tag("outcome", "failed")
            .register(meters);
    Timer quick =
        Timer.builder("toygres.engine.activity.duration")
            .tag("activity", "toygres.actor.check-quick")
            .tag("outcome", "completed")
            .register(meters);
    Timer round =
        Timer.builder("toygres.engine.activity.duration")
            .tag("activity", "toygres.actor-supervisor.round")
            .tag("outcome", "completed")
            .register(meters);
    check.record(Duration.ofMillis(3));
    check.record(Duration.ofMillis(4));
    quick.record(Duration.ofMillis(2));
    failedCheck.record(Duration.ofMillis(5));
    round.record(Duration.ofMillis(6));
    meters.counter("toygres.engine.commits").increment(5);
    DistributionSummary groups = meters.summary("toygres.health.write.group");
    groups.record(1);
    groups.record(7);

    WorkCounts c = WorkCounts.of("main", meters);

    assertThat(c.checks()).as("two full checks and one quick one").isEqualTo(3);
    assertThat(c.steps()).isEqualTo(5);
    assertThat(c.writeGroups()).as("statements that wrote checks").isEqualTo(2);
    assertThat(c.groupedChecks()).as("the checks they took").isEqualTo(8);
    assertThat(c.pid()).isEqualTo(ProcessHandle.current().pid());
    assertThat(c.cpuNanos()).isPositive();
  }

  @Test
  void aProcesssAnswerReadsBackAsItWasAndWorkIsTheDifferenceOfTwo() throws Exception {
    WorkCounts before = new WorkCounts("worker-1", 42, 10, 30, 4, 9, 1_000);
    WorkCounts after =
        WorkCounts.fromJson(new WorkCounts("worker-1", 42, 25, 75, 6, 24, 4_000).toJson());

    assertThat(WorkCounts.fromJson(before.toJson())).isEqualTo(before);
    assertThat(after.since(before)).isEqualTo(new WorkCounts("worker-1", 42, 15, 45, 2, 15, 3_000));
    assertThatThrownBy(() -> after.since(new WorkCounts("worker-2", 43, 0, 0, 0, 0, 0)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
