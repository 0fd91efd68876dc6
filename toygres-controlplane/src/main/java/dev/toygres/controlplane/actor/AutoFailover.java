package dev.toygres.controlplane.actor;

import dev.toygres.controlplane.cms.CmsStore;
import dev.toygres.controlplane.cms.HealthStatus;
import dev.toygres.controlplane.cms.InstanceRecord;
import dev.toygres.controlplane.cms.InstanceState;
import dev.toygres.controlplane.cms.Members;
import dev.toygres.controlplane.dataplane.DataPlane;
import dev.toygres.controlplane.failover.FailoverOrchestrations;
import dev.toygres.controlplane.failover.MemberRecords;
import dev.toygres.controlplane.secret.SecretBox;
import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.activity.LeaseFence;
import dev.toygres.engine.client.DurableClient;
import dev.toygres.engine.client.InstanceQuery;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The failover part of an actor's check (docs/replication.md#failover). When the primary of a
 * {@code running} instance with replicas failed its probes up to the threshold, a standby answers,
 * no planned operation (stop, start, restart, scale, switchover) runs and the last failover ended
 * more than the cooldown ago, it claims the instance's next failover in the CMS and starts the
 * failover orchestration in the same transaction, under the check's lease, with the deterministic
 * id {@code failover-<k8sName>-<n>}. While a failover or switchover holds the instance, the crash
 * restart stays away. Otherwise the crash restart handles the primary (no standby, cooldown).
 */
final class AutoFailover {
  /** Orchestration id prefixes of the operations during which no failover starts. */
  private static final List<String> PLANNED = List.of("stop-", "start-", "restart-", "scale-");

  private final CmsStore cms;
  private final DataPlane dataPlane;
  private final SecretBox secrets;
  private final DurableClient engine;
  private final Duration cooldown;
  private final MeterRegistry metrics;

  AutoFailover(
      CmsStore cms,
      DataPlane dataPlane,
      SecretBox secrets,
      DurableClient engine,
      Duration cooldown,
      MeterRegistry metrics) {
    this.cms = Objects.requireNonNull(cms, "cms");
    this.dataPlane = Objects.requireNonNull(dataPlane, "dataPlane");
    this.secrets = Objects.requireNonNull(secrets, "secrets");
    this.engine = Objects.requireNonNull(engine, "engine");
    this.cooldown = Objects.requireNonNull(cooldown, "cooldown");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  /**
   * Acts on a check of {@code r} whose probe found {@code probed} ({@code reason} says how the
   * primary failed): returns how soon the actor should look again when a failover or switchover has
   * the instance (started now or earlier), or empty when the crash restart should handle it. Costs
   * nothing for a healthy probe.
   */
  Optional<Duration> after(
      InstanceRecord r,
      HealthStatus probed,
      boolean confirmedDown,
      String reason,
      Duration quickLook,
      LeaseFence lease) {
    if (r.state() != InstanceState.RUNNING
        || probed != HealthStatus.UNHEALTHY
        || r.replicas() == 0) {
      return Optional.empty();
    }
    Members.ReplicationState st = cms.members().state(r.id());
    if (st.operation() != null) {
      if (ended(st.operationId())) {
        // An operation that ended without releasing its claim (it failed in a way its own code did
        // not catch) must not keep the instance from ever failing over or restarting again.
        cms.members()
            .release(r.id(), st.operationId(), false)
            .ifPresent(
                took ->
                    cms.event(
                        r.id(),
                        st.operation() + "_released",
                        st.operationId() + " ended without releasing the instance; released"));
        return Optional.empty();
      }
      return Optional.of(quickLook);
    }
    if (!confirmedDown
        || st.replication().replicas() == 0
        || plannedOperation(r.k8sName())
        || (st.lastFailoverAt() != null && st.now().isBefore(st.lastFailoverAt().plus(cooldown)))) {
      return Optional.empty();
    }
    Map<Integer, Long> positions =
        dataPlane.standbyPositions(r.k8sName(), MemberRecords.control(r, secrets));
    if (positions.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> claimed =
        cms.members()
            .claimFailover(
                r.id(),
                r.k8sName(),
                cooldown,
                (tx, id) -> {
                  lease.ensureHeldIn(tx, "starting a failover of instance " + r.id());
                  engine.start(
                      tx,
                      FailoverOrchestrations.FAILOVER,
                      id,
                      new FailoverOrchestrations.FailoverInput(r.id(), reason));
                });
    if (claimed.isEmpty()) {
      return Optional.empty();
    }
    cms.event(
        r.id(),
        "failover_started",
        claimed.get()
            + ": "
            + reason
            + "; standbys answering: "
            + positions.keySet().stream().sorted().toList());
    metrics
        .counter(
            "toygres_instance_failovers_total",
            "name",
            r.userName(),
            "kind",
            "failover",
            "outcome",
            "started")
        .increment();
    return Optional.of(quickLook);
  }

  private boolean ended(String orchestrationId) {
    return engine.getInstance(orchestrationId).map(i -> i.status().isTerminal()).orElse(true);
  }

  private boolean plannedOperation(String k8sName) {
    for (String prefix : PLANNED) {
      InstanceQuery q =
          InstanceQuery.all()
              .withStatuses(Set.of(OrchestrationStatus.RUNNING))
              .withInstanceIdPrefix(prefix + k8sName + "-")
              .withLimit(1);
      if (!engine.listInstances(q).items().isEmpty()) {
        return true;
      }
    }
    return false;
  }
}
