package dev.toygres.controlplane.server;

import dev.toygres.controlplane.actor.ActorSupervisor;
import dev.toygres.controlplane.actor.DoctorOperations;
import dev.toygres.controlplane.api.HealthReport;
import dev.toygres.controlplane.backup.BackupScheduler;
import dev.toygres.engine.client.DurableClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Binds the control plane's own metrics (docs/metrics.md): its health, the actors' diagnoses and
 * the singletons' last rounds, the engine's backlog, and the process's JVM binders. The gauges read
 * from the metadata database are not read while the health monitor finds it unreachable (they show
 * their last values; {@link GatedRead}), so a scrape answers at once during an outage. The engine's
 * worker and pool record theirs when given the registry at start. Close it on server stop.
 */
final class ServerMetrics implements AutoCloseable {
  private static final Map<String, String> SINGLETONS =
      Map.of(
          "supervisor", ActorSupervisor.INSTANCE_ID,
          "pruner", Pruner.INSTANCE_ID,
          "backup_scheduler", BackupScheduler.INSTANCE_ID);

  private final RuntimeMetrics runtime;

  private ServerMetrics(RuntimeMetrics runtime) {
    this.runtime = runtime;
  }

  static ServerMetrics bind(
      MeterRegistry registry,
      Supplier<HealthReport> health,
      DoctorOperations doctor,
      DurableClient engine) {
    HealthMetrics.bind(registry, health);
    BooleanSupplier reachable =
        () -> HealthMetrics.healthy(health.get(), HealthReport.DATABASE) == 1;
    ActorMetrics.bind(
        registry,
        GatedRead.of(reachable, () -> doctor.diagnose().counts()),
        GatedRead.of(reachable, () -> engine.getInstances(SINGLETONS.values())),
        SINGLETONS);
    EngineMetrics.bind(registry, GatedRead.of(reachable, engine::queues));
    return new ServerMetrics(RuntimeMetrics.bind(registry));
  }

  @Override
  public void close() {
    runtime.close();
  }
}
