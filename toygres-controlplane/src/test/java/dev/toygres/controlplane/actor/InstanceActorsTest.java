package dev.toygres.controlplane.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toygres.engine.worker.Registry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class InstanceActorsTest {
  private static final HealthProbe PROBE = new HealthProbe(Duration.ofSeconds(5));

  @Test
  void registersTheInstanceActorAndItsCheckActivity() {
    Registry registry =
        InstanceActors.register(
                Registry.builder(), Duration.ofSeconds(30), null, null, null, PROBE, 2)
            .build();

    assertThat(registry.latestVersion(InstanceActor.NAME)).isPresent();
    assertThat(registry.activity(ActorCheck.NAME)).isPresent();
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
