package dev.toygres.controlplane.actor;

import dev.toygres.controlplane.cms.CmsStore;
import dev.toygres.controlplane.cms.Health;
import dev.toygres.controlplane.cms.HealthRecorder;
import dev.toygres.controlplane.cms.HealthStatus;
import dev.toygres.controlplane.cms.InstanceRecord;
import dev.toygres.controlplane.cms.InstanceState;
import dev.toygres.controlplane.cms.ProbeResult;
import dev.toygres.controlplane.secret.SecretBox;
import dev.toygres.controlplane.secret.SecretException;
import dev.toygres.engine.activity.Activity;
import dev.toygres.engine.activity.ActivityContext;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * One actor iteration's work, as one activity, deciding once: read the instance from the CMS (one
 * query), fence by {@link ActorFence} (stop if the instance is gone or not watched, or this actor
 * is no longer its recorded actor, or monitoring is off), probe a running instance as the
 * monitoring role (a stopped one is not contacted: health unknown; a secret that cannot be
 * decrypted is an unhealthy check saying so), and record the result with one conditional write that
 * holds no lock during the probe. If the row changed meanwhile, the write does nothing and the
 * fresh row is judged by the same fence; a row whose health alone changed (a stop resets it) drops
 * this probe.
 */
public final class ActorCheck implements Activity<ActorCheck.Input, ActorCheck.Result> {
  public static final String NAME = "toygres.actor.check";

  /**
   * The same check as a quick one, which the actor (version 2) runs as a local activity: it records
   * a healthy probe (or an instance not probed) as the full check would, but asks for the full
   * check ({@link Result#escalate()}), recording nothing, when there is more to do than a record: a
   * failed probe (confirm, restart, fail over) or an instance with standbys (the member watch).
   */
  public static final String QUICK = "toygres.actor.check-quick";

  /** Which instance, and which actor asks. */
  public record Input(UUID instanceId, String actorId) {}

  /**
   * Either the actor must stop ({@code stop} with a reason), or the instance's health now, and how
   * soon to look again: {@code lookAgainMillis} (after a failed probe below the threshold, or when
   * a restart is due) or null for the actor's interval (and in results recorded before it existed);
   * or, from the quick check only, {@code escalate}: nothing was recorded, run the full check.
   */
  public record Result(
      boolean stop,
      String reason,
      String healthStatus,
      int consecutiveFailures,
      Long lookAgainMillis,
      boolean escalate) {
    public Result(
        boolean stop,
        String reason,
        String healthStatus,
        int consecutiveFailures,
        Long lookAgainMillis) {
      this(stop, reason, healthStatus, consecutiveFailures, lookAgainMillis, false);
    }

    static Result stop(String why) {
      return new Result(true, why, null, 0, null);
    }

    static Result escalate(String why) {
      return new Result(false, why, null, 0, null, true);
    }
  }

  private final CmsStore cms;
  private final HealthRecorder recorder;
  private final SecretBox secrets;
  private final HealthProbe probe;
  private final int failureThreshold;
  private final Duration retryDelay;
  private final CrashRestart restart;
  private final AutoFailover failover;
  private final MemberWatch members;
  private final CheckMetrics metrics;
  private final boolean quick;

  /**
   * @param retryDelay how soon to probe again after a failed probe below the threshold
   * @param restart the crash restart, or null for an actor that only watches
   * @param failover the automatic failover, or null for an actor that only watches
   * @param members the watch of the instance's servers, or null for an actor that only probes
   * @param metrics where each check is counted and its lateness recorded
   */
  ActorCheck(
      CmsStore cms,
      HealthRecorder recorder,
      SecretBox secrets,
      HealthProbe probe,
      int failureThreshold,
      Duration retryDelay,
      CrashRestart restart,
      AutoFailover failover,
      MemberWatch members,
      CheckMetrics metrics) {
    this.cms = cms;
    this.recorder = recorder;
    this.secrets = secrets;
    this.probe = probe;
    this.failureThreshold = failureThreshold;
    this.retryDelay = retryDelay;
    this.restart = restart;
    this.failover = failover;
    this.members = members;
    this.metrics = metrics;
    this.quick = false;
  }

  private ActorCheck(ActorCheck full) {
    this.cms = full.cms;
    this.recorder = full.recorder;
    this.secrets = full.secrets;
    this.probe = full.probe;
    this.failureThreshold = full.failureThreshold;
    this.retryDelay = full.retryDelay;
    this.restart = full.restart;
    this.failover = full.failover;
    this.members = full.members;
    this.metrics = full.metrics;
    this.quick = true;
  }

  /** This check as the quick one ({@link #QUICK}). */
  ActorCheck quick() {
    return new ActorCheck(this);
  }

  @Override
  public Result run(ActivityContext ctx, Input in) {
    InstanceRecord r = cms.findForCheck(in.instanceId()).orElse(null);
    Instant started = Instant.now();
    Optional<String> fenced = ActorFence.reason(in.instanceId(), r, in.actorId());
    if (fenced.isPresent()) {
      metrics.starting(in.instanceId(), r == null ? null : r.lastHealthCheck(), started);
      forgetConnection(r);
      metrics.stopped(in.instanceId());
      return Result.stop(fenced.get());
    }
    ProbeResult probed = probe(r);
    if (quick && (probed.status() == HealthStatus.UNHEALTHY || r.replicas() > 0)) {
      return Result.escalate(
          r.replicas() > 0 ? "the instance has standbys to watch" : probed.errorMessage());
    }
    // Counted once per iteration: an escalated quick check is counted by the full one.
    metrics.starting(in.instanceId(), r.lastHealthCheck(), started);
    if (members != null) {
      probed = members.look(r, in.actorId(), probed, ctx.lease());
    }
    Health seen = Health.of(r);
    Health next = seen.after(probed.status(), failureThreshold);
    HealthRecorder.Expected expected =
        new HealthRecorder.Expected(in.actorId(), ActorFence.WATCHED, seen);
    if (recorder.record(r.id(), expected, next, probed, ctx.lease())) {
      Long again = lookAgain(ctx, r, in.actorId(), probed, next);
      metrics.asked(r.id(), again);
      return new Result(false, null, next.status().dbName(), next.consecutiveFailures(), again);
    }
    InstanceRecord now = cms.findById(r.id()).orElse(null);
    Optional<String> why = ActorFence.reason(r.id(), now, in.actorId());
    if (why.isPresent()) {
      metrics.stopped(r.id());
      return Result.stop(why.get());
    }
    metrics.asked(r.id(), null);
    return new Result(false, null, now.healthStatus().dbName(), now.consecutiveFailures(), null);
  }

  private Long lookAgain(
      ActivityContext ctx, InstanceRecord r, String actorId, ProbeResult probed, Health next) {
    boolean confirmedDown =
        probed.status() == HealthStatus.UNHEALTHY && next.consecutiveFailures() >= failureThreshold;
    if (failover != null) {
      String reason =
          "the primary failed "
              + next.consecutiveFailures()
              + " probe(s) in a row"
              + (probed.errorMessage() == null ? "" : ": " + probed.errorMessage());
      Optional<Duration> handled =
          failover.after(r, probed.status(), confirmedDown, reason, retryDelay, ctx.lease());
      if (handled.isPresent()) {
        return handled.get().toMillis();
      }
    }
    if (restart != null) {
      Optional<Duration> soon =
          restart.after(r, actorId, probed.status(), confirmedDown, retryDelay, ctx.lease());
      if (soon.isPresent()) {
        return soon.get().toMillis();
      }
    }
    if (probed.status() == HealthStatus.UNHEALTHY && !confirmedDown) {
      return retryDelay.toMillis();
    }
    return null;
  }

  private ProbeResult probe(InstanceRecord r) {
    if (r.state() != InstanceState.RUNNING || r.port() == null) {
      forgetConnection(r);
      return ProbeResult.notProbed("instance is " + r.state().dbName());
    }
    if (!r.access().current() || r.access().socketDir() == null) {
      return ProbeResult.notProbed(
          "waiting for the access upgrade of an instance made before tenant isolation");
    }
    String password;
    try {
      password = secrets.decrypt(r.access().monitorPasswordSealed());
    } catch (SecretException e) {
      return ProbeResult.failed("cannot decrypt the monitoring secret: " + e.getMessage());
    }
    return probe.probe(r.id(), r.access().socketDir(), r.port(), password);
  }

  /**
   * Closes the connection this process keeps for the instance's server, if any: the instance is no
   * longer probed (stopped, being deleted, no longer this actor's), so the connection would only
   * hold a file here and a backend there until the idle sweep.
   */
  private void forgetConnection(InstanceRecord r) {
    if (r != null && r.port() != null && r.access() != null && r.access().socketDir() != null) {
      probe.forget(r.id(), r.access().socketDir(), r.port());
    }
  }
}
