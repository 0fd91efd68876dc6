package dev.toygres.controlplane.actor;

import dev.toygres.controlplane.cms.CmsStore;
import dev.toygres.controlplane.cms.HealthRecorder;
import dev.toygres.controlplane.cms.InstanceRecord;
import dev.toygres.controlplane.cms.InstanceState;
import dev.toygres.controlplane.cms.ProbeResult;
import dev.toygres.controlplane.secret.SecretBox;
import dev.toygres.engine.activity.Activity;
import dev.toygres.engine.activity.ActivityContext;
import java.util.Optional;
import java.util.UUID;

/**
 * One actor iteration's work, as one activity: read the instance from the CMS, fence (stop if the
 * instance is gone or deleting, or this actor is no longer its recorded actor, or monitoring is
 * off), probe a running instance as the monitoring role (a stopped one is not contacted: health
 * unknown; a secret that cannot be decrypted is an unhealthy check saying so), and record the
 * result. The write itself is fenced again under the row lock.
 */
public final class ActorCheck implements Activity<ActorCheck.Input, ActorCheck.Result> {
  public static final String NAME = "toygres.actor.check";

  /** Which instance, and which actor asks. */
  public record Input(UUID instanceId, String actorId) {}

  /** Either the actor must stop ({@code stop} with a reason), or the instance's health now. */
  public record Result(boolean stop, String reason, String healthStatus, int consecutiveFailures) {
    static Result stop(String why) {
      return new Result(true, why, null, 0);
    }
  }

  private final CmsStore cms;
  private final HealthRecorder recorder;
  private final SecretBox secrets;
  private final HealthProbe probe;
  private final int failureThreshold;

  public ActorCheck(
      CmsStore cms,
      HealthRecorder recorder,
      SecretBox secrets,
      HealthProbe probe,
      int failureThreshold) {
    this.cms = cms;
    this.recorder = recorder;
    this.secrets = secrets;
    this.probe = probe;
    this.failureThreshold = failureThreshold;
  }

  @Override
  public Result run(ActivityContext ctx, Input in) {
    Optional<InstanceRecord> found = cms.findById(in.instanceId());
    if (found.isEmpty()) {
      return Result.stop("instance " + in.instanceId() + " no longer exists");
    }
    InstanceRecord r = found.get();
    if (r.state() == InstanceState.DELETING || r.state() == InstanceState.DELETED) {
      return Result.stop("instance is " + r.state().dbName());
    }
    if (!in.actorId().equals(r.actorId())) {
      return Result.stop("superseded: the instance's actor is now " + r.actorId());
    }
    if (!r.monitoringEnabled()) {
      return Result.stop("monitoring was turned off");
    }
    ProbeResult result = probe(r);
    HealthRecorder.Outcome o = recorder.record(r.id(), in.actorId(), result, failureThreshold);
    if (!o.recorded()) {
      return Result.stop(o.fencedReason());
    }
    return new Result(false, null, o.status().dbName(), o.consecutiveFailures());
  }

  private ProbeResult probe(InstanceRecord r) {
    if (r.state() != InstanceState.RUNNING || r.port() == null) {
      return ProbeResult.notProbed("instance is " + r.state().dbName());
    }
    if (!r.access().current() || r.access().socketDir() == null) {
      return ProbeResult.notProbed(
          "waiting for the access upgrade of an instance made before tenant isolation");
    }
    String password;
    try {
      password = secrets.decrypt(r.access().monitorPasswordSealed());
    } catch (IllegalStateException e) {
      return ProbeResult.failed("cannot decrypt the monitoring secret: " + e.getMessage());
    }
    return probe.probe(r.access().socketDir(), r.port(), password);
  }
}
