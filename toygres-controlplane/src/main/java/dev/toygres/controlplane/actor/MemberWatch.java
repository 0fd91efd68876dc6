package dev.toygres.controlplane.actor;

import dev.toygres.controlplane.cms.HealthStatus;
import dev.toygres.controlplane.cms.InstanceRecord;
import dev.toygres.controlplane.cms.InstanceState;
import dev.toygres.controlplane.cms.MemberCheck;
import dev.toygres.controlplane.cms.ProbeResult;
import dev.toygres.controlplane.cms.StandbyRestarts;
import dev.toygres.controlplane.cms.StandbyRestarts.Outcome;
import dev.toygres.controlplane.dataplane.ControlSecrets;
import dev.toygres.controlplane.dataplane.DataPlane;
import dev.toygres.controlplane.dataplane.Member;
import dev.toygres.controlplane.failover.MemberRecords;
import dev.toygres.controlplane.secret.SecretBox;
import dev.toygres.engine.activity.LeaseFence;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The members part of an actor's check (docs/actor.md#watching-the-members): for a {@code running}
 * instance with standbys whose primary answered the probe, reads every server of the instance
 * (role, pid, health, lag, timeline) to record with the check, and starts again a standby found
 * stopped, while the instance's row is held ({@link StandbyRestarts#restart}), counting each in
 * {@code toygres_instance_restarts_total{name,outcome}}. At most one restart per standby per check,
 * so never more often than the actor looks. Never acts on an instance in another state, on one
 * whose primary is down (that is the crash restart's and the failover's business), or on a fenced
 * server.
 */
final class MemberWatch {
  private static final Logger LOG = LoggerFactory.getLogger(MemberWatch.class);
  private static final String STOPPED = "stopped";

  private final DataPlane dataPlane;
  private final SecretBox secrets;
  private final StandbyRestarts restarts;
  private final MeterRegistry metrics;

  MemberWatch(
      DataPlane dataPlane, SecretBox secrets, StandbyRestarts restarts, MeterRegistry metrics) {
    this.dataPlane = Objects.requireNonNull(dataPlane, "dataPlane");
    this.secrets = Objects.requireNonNull(secrets, "secrets");
    this.restarts = Objects.requireNonNull(restarts, "restarts");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  /**
   * {@code probed} with what was seen of the instance's servers ({@link ProbeResult#members}),
   * after restarting the standbys found stopped; {@code probed} unchanged when the instance has no
   * standbys, does not run, its primary did not answer, or its servers cannot be read (logged: a
   * check is still recorded).
   */
  ProbeResult look(InstanceRecord r, String actorId, ProbeResult probed, LeaseFence lease) {
    if (r.state() != InstanceState.RUNNING
        || r.replicas() == 0
        || probed.status() != HealthStatus.HEALTHY) {
      return probed;
    }
    List<Member> seen;
    ControlSecrets control;
    try {
      control = control(r);
      seen = dataPlane.members(r.k8sName(), control);
    } catch (RuntimeException e) {
      LOG.warn("Cannot read the members of instance '{}': {}", r.userName(), e.toString());
      return probed;
    }
    List<Integer> down =
        seen.stream()
            .filter(m -> Member.STANDBY.equals(m.role()) && STOPPED.equals(m.health()))
            .map(Member::ordinal)
            .toList();
    if (!down.isEmpty()) {
      restart(r, actorId, down, control, lease);
    }
    return probed.withMembers(seen.stream().map(MemberWatch::check).toList());
  }

  private void restart(
      InstanceRecord r,
      String actorId,
      List<Integer> down,
      ControlSecrets control,
      LeaseFence lease) {
    List<Outcome> done =
        restarts.restart(r.id(), actorId, lease, () -> start(r, down, control)).orElse(List.of());
    for (Outcome s : done) {
      if (s.started()) {
        LOG.info(
            "Restarted standby {} of instance '{}' (pid {})", s.ordinal(), r.userName(), s.pid());
      } else {
        LOG.warn(
            "Standby {} of instance '{}' is down and did not start: {}",
            s.ordinal(),
            r.userName(),
            s.error());
      }
      metrics
          .counter(
              "toygres_instance_restarts_total",
              "name",
              r.userName(),
              "outcome",
              s.started() ? "started" : "failed")
          .increment();
    }
  }

  /**
   * Starts the stopped standbys {@code down} through {@link DataPlane#start} (which starts every
   * standby of a running primary that is not fenced), unless the primary no longer runs (a stop
   * that stopped the servers and has not recorded it yet: starting would bring them back).
   */
  private List<Outcome> start(InstanceRecord r, List<Integer> down, ControlSecrets control) {
    boolean primaryRuns = dataPlane.status(r.k8sName()).map(s -> s.pid() != null).orElse(false);
    if (!primaryRuns) {
      return List.of();
    }
    try {
      dataPlane.start(r.k8sName());
    } catch (RuntimeException e) {
      String why = e.getMessage() == null ? e.toString() : e.getMessage();
      return down.stream().map(o -> new Outcome(o, null, why)).toList();
    }
    Map<Integer, Member> now =
        dataPlane.members(r.k8sName(), control).stream()
            .collect(Collectors.toMap(Member::ordinal, Function.identity()));
    return down.stream()
        .map(
            o -> {
              Member m = now.get(o);
              return m != null && m.pid() != null
                  ? new Outcome(o, m.pid(), null)
                  : new Outcome(o, null, m == null ? "it is gone" : "it is " + m.health());
            })
        .toList();
  }

  private ControlSecrets control(InstanceRecord r) {
    return MemberRecords.control(r, secrets);
  }

  private static MemberCheck check(Member m) {
    return new MemberCheck(
        m.ordinal(),
        m.role(),
        m.port(),
        m.pid(),
        m.health(),
        m.lagBytes(),
        m.lagSeconds(),
        m.timeline());
  }
}
