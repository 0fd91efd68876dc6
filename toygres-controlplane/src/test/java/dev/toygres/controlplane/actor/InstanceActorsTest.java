package dev.toygres.controlplane.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toygres.engine.worker.Registry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class InstanceActorsTest {
  private static final HealthProbe PROBE = new HealthProbe(Duration.ofSeconds(5));

  @Test
  void registersBothActorVersionsNewestFirstAndBothChecks() {
    Registry registry =
        InstanceActors.register(
                Registry.builder(), Duration.ofSeconds(30), null, null, null, PROBE, 2)
            .build();

    assertThat(registry.latestVersion(InstanceActor.NAME))
        .as("new actors and every continue-as-new run the quick check first")
        .contains(InstanceActor.QUICK_CHECK_VERSION);
    assertThat(registry.orchestration(InstanceActor.NAME, "1"))
        .as("kept for actors that started on it")
        .isPresent();
    assertThat(registry.activity(ActorCheck.NAME)).isPresent();
    assertThat(registry.activity(ActorCheck.QUICK)).isPresent();
  }

  @Test
  void refusesAFailureThresholdBelowOne() {
    assertThatThrownBy(
            () ->
                InstanceActors.register(
                    Registry.builder(), Duration.ofSeconds(30), null, null, null, PROBE, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("failureThreshold");
  }
}
