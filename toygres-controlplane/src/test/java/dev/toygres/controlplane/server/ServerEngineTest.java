package dev.toygres.controlplane.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.controlplane.config.ServerConfig;
import dev.toygres.engine.worker.WorkerOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ServerEngineTest {
  @Test
  void workerRunsTheServersDispatchersActivitySlotsAndConfiguredLease() {
    ServerConfig cfg = ServerConfig.defaults();

    WorkerOptions options = ServerEngine.workerOptions(cfg);

    assertThat(options.maxConcurrentActivities()).isEqualTo(ServerEngine.ACTIVITY_SLOTS);
    assertThat(options.lease()).isEqualTo(cfg.workerLease());
    assertThat(options.orchestrationDispatchers()).isEqualTo(4);
    assertThat(options.activityDispatchers()).isEqualTo(2);
    assertThat(options.orchestrationDispatchers())
        .as("more than the engine's default: a step waits on its probe and the database")
        .isGreaterThan(WorkerOptions.defaults().orchestrationDispatchers());
  }

  @Test
  void theWorkerRunsTheConfiguredOrchestrationDispatchers() {
    ServerConfig two = ServerConfig.defaults().withOrchestrationDispatchers(2);

    WorkerOptions options = ServerEngine.workerOptions(two);

    assertThat(options.orchestrationDispatchers()).isEqualTo(2);
    assertThat(options.activityDispatchers()).isEqualTo(ServerEngine.ACTIVITY_DISPATCHERS);
    assertThat(options.maxConcurrentActivities()).isEqualTo(ServerEngine.ACTIVITY_SLOTS);
  }

  @Test
  void thePoolHasAConnectionForEveryDispatcherAndTheWorkersOwnNeeds() {
    WorkerOptions options =
        ServerEngine.workerOptions(
            ServerConfig.defaults()
                .withOrchestrationDispatchers(ServerConfig.MAX_ORCHESTRATION_DISPATCHERS));

    // DurableWorker needs its dispatchers + 3 connections (one held for LISTEN).
    assertThat(ServerEngine.POOL_SIZE)
        .isGreaterThanOrEqualTo(
            options.orchestrationDispatchers() + options.activityDispatchers() + 3);
  }

  @Test
  void serversKeepEachActorOnOneProcessForASecondPastItsDueTime() {
    WorkerOptions options = ServerEngine.workerOptions(ServerConfig.defaults());

    assertThat(WorkerOptions.defaults().stepAffinity()).as("the engine's default").isZero();
    assertThat(options.stepAffinity()).isEqualTo(Duration.ofSeconds(1));
    assertThat(options.timerBatching()).isEqualTo(Duration.ofMillis(100));
  }
}
