package dev.toygres.controlplane.server;

import dev.toygres.controlplane.actor.ActorSupervisor;
import dev.toygres.controlplane.actor.InstanceActors;
import dev.toygres.controlplane.instance.AccessUpgrades;
import dev.toygres.controlplane.instance.InstanceActivities;
import dev.toygres.controlplane.instance.LifecycleOrchestrations;
import dev.toygres.engine.worker.Registry;
import java.time.Duration;

/**
 * Every orchestration the server runs, registered through the same {@code register(...)} calls as
 * {@link ToygresServer}, for replaying recorded histories. Activities are registered with null
 * dependencies: replay never runs them. Intervals do not matter to replay (a timer is matched by
 * its task id, not its due time).
 */
final class ProductOrchestrations {
  private ProductOrchestrations() {}

  static Registry registry() {
    Registry.Builder b = Registry.builder();
    InstanceActors.register(b, Duration.ofSeconds(1), null, null, null, null, 2);
    new InstanceActivities(null, null, null, null, null).register(b);
    LifecycleOrchestrations.register(b);
    AccessUpgrades.register(b);
    Pruner.register(
        b, null, null, null, new Pruner.Retention(Duration.ofDays(7), Duration.ofDays(90)));
    ActorSupervisor.register(b, null, null, Duration.ofSeconds(60), true);
    return b.build();
  }
}
