package dev.toygres.engine.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WorkerMetricsTest {

  @Test
  void stepsAreTimedByOrchestrationNameAndActivitiesByNameAndOutcome() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    WorkerMetrics m = WorkerMetrics.of(registry);

    m.step("actor", 2_000_000);
    m.step("actor", 4_000_000);
    m.step("backup", 1_000_000);
    m.activity("check", true, 3_000_000);
    m.activity("check", false, 5_000_000);

    var actor = registry.get(WorkerMetrics.STEP).tag("orchestration", "actor").timer();
    assertThat(actor.count()).isEqualTo(2);
    assertThat(actor.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(6.0);
    assertThat(registry.get(WorkerMetrics.STEP).tag("orchestration", "backup").timer().count())
        .isEqualTo(1);
    assertThat(
            registry
                .get(WorkerMetrics.ACTIVITY)
                .tags("activity", "check", "outcome", "completed")
                .timer()
                .totalTime(TimeUnit.MILLISECONDS))
        .isEqualTo(3.0);
    assertThat(
            registry
                .get(WorkerMetrics.ACTIVITY)
                .tags("activity", "check", "outcome", "failed")
                .timer()
                .totalTime(TimeUnit.MILLISECONDS))
        .isEqualTo(5.0);
  }

  @Test
  void countersAddWhatTheyAreGiven() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    WorkerMetrics m = WorkerMetrics.of(registry);

    m.commits(3);
    m.commits(0);
    m.poisoned();
    m.takeovers(2);

    assertThat(registry.get("toygres.engine.commits").counter().count()).isEqualTo(3);
    assertThat(registry.get("toygres.engine.poisoned").counter().count()).isEqualTo(1);
    assertThat(registry.get("toygres.engine.lease.takeovers").counter().count()).isEqualTo(2);
  }

  @Test
  void withoutARegistryTheWorkerGetsTheMetricsThatRecordNothing() {
    assertThat(WorkerMetrics.of(null)).isSameAs(WorkerMetrics.NONE);
  }
}
