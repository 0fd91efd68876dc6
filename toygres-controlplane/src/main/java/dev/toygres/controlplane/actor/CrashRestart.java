package dev.toygres.controlplane.actor;

import dev.toygres.controlplane.cms.HealthStatus;
import dev.toygres.controlplane.cms.InstanceRecord;
import dev.toygres.controlplane.cms.InstanceState;
import dev.toygres.controlplane.cms.RestartRecorder;
import dev.toygres.controlplane.dataplane.DataPlane;
import dev.toygres.controlplane.dataplane.ServerInfo;
import dev.toygres.engine.activity.LeaseFence;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The crash restart part of an actor's check (docs/actor.md#crash-restart): a {@code running}
 * instance whose probes failed up to the threshold and whose server the data plane confirms is not
 * running is started again, after the back-off of its {@link RestartPolicy}, each attempt claimed
 * in the CMS under the check's lease (so made once, whichever server asks) and counted in {@code
 * toygres_instance_restarts_total{name,outcome}}. Never starts any other state's server.
 */
final class CrashRestart {
  private final RestartRecorder restarts;
  private final DataPlane dataPlane;
  private final RestartPolicy policy;
  private final MeterRegistry metrics;

  CrashRestart(
      RestartRecorder restarts, DataPlane dataPlane, RestartPolicy policy, MeterRegistry metrics) {
    this.restarts = Objects.requireNonNull(restarts, "restarts");
    this.dataPlane = Objects.requireNonNull(dataPlane, "dataPlane");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  /**
   * Acts on what the check found for {@code r}: {@code probed} and whether its failures reached the
   * threshold ({@code confirmedDown}). Returns how soon the actor should look again (the next
   * attempt due, or a quick look after a restart), or empty for its usual interval.
   */
  Optional<Duration> after(
      InstanceRecord r,
      String actorId,
      HealthStatus probed,
      boolean confirmedDown,
      Duration quickLook,
      LeaseFence lease) {
    if (r.state() != InstanceState.RUNNING) {
      forget(r);
      return Optional.empty();
    }
    if (probed == HealthStatus.HEALTHY) {
      restarts.healthy(r.id(), policy.stableAfter());
      return Optional.empty();
    }
    if (!confirmedDown || serverRuns(r)) {
      return Optional.empty();
    }
    RestartRecorder.State s = restarts.read(r.id());
    int next = s.attempts() + 1;
    if (s.nextRestartAt() == null) {
      Duration delay = policy.delayBefore(next);
      String reason = policy.reason(s.attempts(), next, delay);
      if (!restarts.schedule(r.id(), actorId, s.attempts(), delay, reason, lease)) {
        return Optional.empty();
      }
      if (!delay.isZero()) {
        return Optional.of(delay);
      }
      s = restarts.read(r.id());
    }
    if (s.nextRestartAt() != null && s.now().isBefore(s.nextRestartAt())) {
      return Optional.of(Duration.between(s.now(), s.nextRestartAt()));
    }
    Duration retryIn = policy.delayBefore(next + 1);
    RestartRecorder.Attempt a =
        restarts.attempt(
            r.id(),
            actorId,
            s.attempts(),
            () -> dataPlane.start(r.k8sName()).pid(),
            retryIn,
            policy.reason(next, next + 1, retryIn),
            lease);
    if (a == null) {
      return Optional.empty();
    }
    metrics
        .counter(
            "toygres_instance_restarts_total",
            "name",
            r.userName(),
            "outcome",
            a.started() ? "started" : "failed")
        .increment();
    return Optional.of(a.started() ? quickLook : retryIn);
  }

  /**
   * Forgets the restarts of an instance no longer running. A stop that raced a restart (it found
   * the server down, then the restart started it, then it recorded the instance stopped) leaves a
   * stopped instance with a running server: that server, started by a restart, is stopped here.
   */
  private void forget(InstanceRecord r) {
    RestartRecorder.State s = restarts.read(r.id());
    if (s.attempts() == 0 && s.nextRestartAt() == null && s.healthReason() == null) {
      return;
    }
    String message = null;
    boolean runs = dataPlane.status(r.k8sName()).map(i -> i.pid() != null).orElse(false);
    if (r.state() == InstanceState.STOPPED && s.lastRestartAt() != null && runs) {
      dataPlane.stop(r.k8sName());
      message = "server started by a restart that raced the stop was stopped again";
    }
    restarts.forget(r.id(), "server_stopped_after_restart", message);
  }

  private boolean serverRuns(InstanceRecord r) {
    Optional<ServerInfo> s = dataPlane.status(r.k8sName());
    return s.isEmpty() || s.get().pid() != null;
  }
}
