package dev.toygres.bench.fleet;

import dev.toygres.controlplane.actor.ActorDoctor;
import dev.toygres.controlplane.actor.ActorRecovery;
import dev.toygres.controlplane.actor.ActorService;
import dev.toygres.controlplane.actor.ActorSupervisor;
import dev.toygres.controlplane.actor.HealthProbe;
import dev.toygres.controlplane.actor.InstanceActors;
import dev.toygres.controlplane.cms.AuditLog;
import dev.toygres.controlplane.cms.CmsStore;
import dev.toygres.controlplane.cms.HealthRecorder;
import dev.toygres.controlplane.config.ServerConfig;
import dev.toygres.controlplane.secret.SecretBox;
import dev.toygres.engine.DurableEngine;
import dev.toygres.engine.worker.Registry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;

/**
 * What a fleet worker runs, registered as {@code ToygresServer} registers it, with the server's
 * defaults ({@link ServerConfig#defaults()}): the instance actors ({@link InstanceActors#register})
 * and the supervisor ({@link ActorSupervisor#register}) with its doctor and recovery. The
 * benchmark's own worker and its worker-only processes ({@link FleetWorkerProcess}) build the same
 * one.
 */
final class FleetRegistry {
  final CmsStore cms;
  final ActorService actors;
  final Registry registry;

  private FleetRegistry(CmsStore cms, ActorService actors, Registry registry) {
    this.cms = cms;
    this.actors = actors;
    this.registry = registry;
  }

  /**
   * The registrations over {@code engine}'s database, the health writes' group sizes recorded in
   * {@code meters} (null: nowhere); migrates nothing.
   */
  static FleetRegistry of(
      DurableEngine engine,
      Duration interval,
      Duration probeTimeout,
      SecretBox secrets,
      MeterRegistry meters) {
    ServerConfig server = ServerConfig.defaults();
    CmsStore cms = new CmsStore(engine.dataSource());
    ActorService actors =
        new ActorService(
            cms,
            engine.client(),
            name ->
                cms.findLiveByName(name)
                    .orElseThrow(() -> new IllegalStateException("no instance " + name)));
    ActorDoctor doctor = new ActorDoctor(cms, engine.client(), server.staleAfter(), Instant::now);
    HealthRecorder health = new HealthRecorder(engine.dataSource(), meters);
    ActorRecovery recovery =
        new ActorRecovery(
            doctor,
            actors,
            cms,
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            new AuditLog(engine.dataSource()));
    Registry.Builder b = Registry.builder();
    InstanceActors.register(
        b,
        interval,
        cms,
        health,
        secrets,
        new HealthProbe(probeTimeout),
        server.failureThreshold());
    ActorSupervisor.register(b, doctor, recovery, server.supervisorInterval(), server.autoRepair());
    return new FleetRegistry(cms, actors, b.build());
  }
}
