package dev.toygres.controlplane.instance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.controlplane.actor.ActorSupervisor;
import dev.toygres.controlplane.actor.InstanceActor;
import dev.toygres.controlplane.backup.BackupOrchestration;
import dev.toygres.controlplane.backup.BackupScheduler;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which orchestrations the API refuses to cancel: every one that moves an instance through its
 * lifecycle, and none of the watchers (actor, supervisor, pruner).
 */
class LifecycleOrchestrationsTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        LifecycleOrchestrations.CREATE,
        LifecycleOrchestrations.DELETE,
        LifecycleOrchestrations.STOP,
        LifecycleOrchestrations.START,
        LifecycleOrchestrations.RESTART,
        LifecycleOrchestrations.ROLL_BACK_CREATE,
        LifecycleOrchestrations.START_AFTER_BOOT,
        AccessUpgrades.NAME,
        BackupOrchestration.NAME
      })
  void lifecycleOrchestrationsAreNotToBeCancelledAndSayWhatToDoInstead(String name) {
    assertThat(LifecycleOrchestrations.isLifecycle(name)).isTrue();
    assertThat(LifecycleOrchestrations.insteadOfCancel(name)).isNotBlank();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        InstanceActor.NAME,
        ActorSupervisor.NAME,
        "toygres.pruner",
        BackupScheduler.NAME,
        "toygres.other"
      })
  void theWatchersStayCancellable(String name) {
    assertThat(LifecycleOrchestrations.isLifecycle(name)).isFalse();
  }
}
