package dev.toygres.controlplane.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.controlplane.config.ServerConfig;
import dev.toygres.engine.worker.WorkerOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ServerEngineTest {
  @Test
  void workerRunsTheEngineDefaultsWithTheServersActivitySlotsAndConfiguredLease() {
    ServerConfig cfg = ServerConfig.defaults();

    WorkerOptions options = ServerEngine.workerOptions(cfg);

    WorkerOptions engine = WorkerOptions.defaults();
    assertThat(options.maxConcurrentActivities()).isEqualTo(ServerEngine.ACTIVITY_SLOTS);
    assertThat(options.lease()).isEqualTo(cfg.workerLease());
    assertThat(options.orchestrationDispatchers()).isEqualTo(engine.orchestrationDispatchers());
    assertThat(options.activityDispatchers()).isEqualTo(engine.activityDispatchers());
  }

  @Test
  void serversKeepEachActorOnOneProcessForASecondPastItsDueTime() {
    WorkerOptions options = ServerEngine.workerOptions(ServerConfig.defaults());

    assertThat(WorkerOptions.defaults().stepAffinity()).as("the engine's default").isZero();
    assertThat(options.stepAffinity()).isEqualTo(Duration.ofSeconds(1));
    assertThat(options.timerBatching()).isEqualTo(Duration.ofMillis(100));
  }
}
