package dev.toygres.controlplane.actor;

import static dev.toygres.controlplane.config.Durations.format;

import dev.toygres.controlplane.actor.DoctorReport.Finding;
import dev.toygres.controlplane.cms.CmsStore;
import dev.toygres.controlplane.cms.InstanceRecord;
import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.client.DurableClient;
import dev.toygres.engine.client.InstanceInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The one diagnosis used by the API, the CLI and the supervisor. It reads the fleet in three
 * queries whatever its size: the CMS's instances, the engine's view of every recorded actor, and
 * the ids of every running actor orchestration (for orphans).
 */
public final class ActorDoctor implements DoctorOperations {
  private final CmsStore cms;
  private final DurableClient engine;
  private final Duration staleAfter;
  private final Supplier<Instant> clock;

  public ActorDoctor(
      CmsStore cms, DurableClient engine, Duration staleAfter, Supplier<Instant> clock) {
    this.cms = cms;
    this.engine = engine;
    this.staleAfter = staleAfter;
    this.clock = clock;
  }

  public Duration staleAfter() {
    return staleAfter;
  }

  /** Diagnoses every running or stopped instance and lists orphaned actors. */
  @Override
  public DoctorReport diagnose() {
    // Running actors first: an actor is recorded in the CMS before it is started in the engine, so
    // one seen running here is seen recorded below, and is not taken for an orphan while it starts.
    List<String> running = engine.runningInstanceIds(InstanceActor.NAME);
    List<InstanceRecord> live = cms.listLive();
    Set<String> recorded = new HashSet<>();
    live.forEach(
        r -> {
          if (r.actorId() != null) {
            recorded.add(r.actorId());
          }
        });
    Map<String, InstanceInfo> actors = engine.getInstances(recorded);
    Instant now = clock.get();
    List<Finding> findings = new ArrayList<>();
    Map<String, InstanceRecord> byActor = new HashMap<>();
    for (InstanceRecord r : live) {
      if (r.actorId() != null) {
        byActor.put(r.actorId(), r);
      }
      if (ActorFence.WATCHED.contains(r.state())) {
        findings.add(diagnose(r, r.actorId() == null ? null : actors.get(r.actorId()), now));
      }
    }
    Map<String, InstanceRecord> byK8s = new HashMap<>();
    live.forEach(r -> byK8s.put(r.k8sName(), r));
    for (String id : running) {
      InstanceRecord owner = byActor.get(id);
      if (owner != null && ActorFence.WATCHED.contains(owner.state())) {
        continue;
      }
      findings.add(orphan(id, owner != null ? owner : byK8s.get(k8sNameOf(id)), now));
    }
    return new DoctorReport(now, findings);
  }

  /** Diagnoses one instance (for its detail view); one engine query. */
  @Override
  public Finding diagnose(InstanceRecord r) {
    InstanceInfo actor = r.actorId() == null ? null : engine.getInstance(r.actorId()).orElse(null);
    return diagnose(r, actor, clock.get());
  }

  /** Diagnoses each of {@code instances} (the instance list); one engine query. */
  @Override
  public Map<UUID, Finding> diagnose(List<InstanceRecord> instances) {
    Set<String> recorded = new HashSet<>();
    instances.forEach(
        r -> {
          if (r.actorId() != null) {
            recorded.add(r.actorId());
          }
        });
    Map<String, InstanceInfo> actors =
        recorded.isEmpty() ? Map.of() : engine.getInstances(recorded);
    Instant now = clock.get();
    Map<UUID, Finding> out = new HashMap<>();
    for (InstanceRecord r : instances) {
      out.put(r.id(), diagnose(r, r.actorId() == null ? null : actors.get(r.actorId()), now));
    }
    return out;
  }

  Finding diagnose(InstanceRecord r, InstanceInfo actor, Instant now) {
    String status =
        r.actorId() == null ? "none" : actor == null ? "missing" : actor.status().dbName();
    Instant progress = actor == null ? null : actor.lastProgressAt();
    Instant checkedOrStarted =
        r.lastHealthCheck() != null
            ? r.lastHealthCheck()
            : Objects.requireNonNullElse(r.startedAt(), r.updatedAt());
    // An actor is not to blame for checks missed before it existed: a fresh one (just started by a
    // repair, say) has the whole threshold for its first check, so it is not taken for stale and
    // repaired again by a second recovery running at the same time.
    boolean notCheckedYet =
        actor != null && actor.createdAt() != null && actor.createdAt().isAfter(checkedOrStarted);
    if (notCheckedYet) {
      checkedOrStarted = actor.createdAt();
    }
    String checkAge =
        r.lastHealthCheck() == null
            ? "no health check yet"
            : "last health check " + format(Duration.between(r.lastHealthCheck(), now)) + " ago";
    Diagnosis d;
    String reason;
    if (!r.monitoringEnabled()) {
      d = Diagnosis.CANCELLED;
      reason =
          "monitoring was turned off (actor "
              + r.actorId()
              + " cancelled by an operator); "
              + checkAge;
    } else if (r.actorId() == null) {
      d = Diagnosis.MISSING;
      reason = "no actor is recorded for the instance; " + checkAge;
    } else if (actor == null && recordedJustNow(r, now)) {
      d = Diagnosis.HEALTHY;
      reason =
          "actor "
              + r.actorId()
              + " was recorded "
              + format(Duration.between(r.updatedAt(), now))
              + " ago and is not started in the engine yet; "
              + checkAge;
    } else if (actor == null) {
      d = Diagnosis.MISSING;
      reason = "recorded actor " + r.actorId() + " does not exist in the engine; " + checkAge;
    } else if (actor.status() != OrchestrationStatus.RUNNING) {
      d = Diagnosis.DEAD;
      reason =
          "actor "
              + r.actorId()
              + " ended ("
              + actor.status().dbName()
              + (actor.failure() != null ? ": " + actor.failure().message() : "")
              + ") "
              + format(Duration.between(progress, now))
              + " ago while monitoring is on; "
              + checkAge;
    } else if (older(progress, now)) {
      d = Diagnosis.ZOMBIE;
      reason =
          "actor "
              + r.actorId()
              + " is running in the engine but its history has not advanced for "
              + format(Duration.between(progress, now))
              + "; "
              + checkAge;
    } else if (older(checkedOrStarted, now)) {
      d = Diagnosis.STALE;
      reason =
          checkAge
              + "; actor "
              + r.actorId()
              + " is running and its history advanced "
              + format(Duration.between(progress, now))
              + " ago";
    } else if (notCheckedYet) {
      d = Diagnosis.HEALTHY;
      reason =
          checkAge
              + "; actor "
              + r.actorId()
              + " started "
              + format(Duration.between(actor.createdAt(), now))
              + " ago and has not recorded a check yet";
    } else {
      d = Diagnosis.HEALTHY;
      reason =
          checkAge
              + "; actor "
              + r.actorId()
              + " is running and its history advanced "
              + format(Duration.between(progress, now))
              + " ago";
    }
    return new Finding(
        r.id(),
        r.userName(),
        r.k8sName(),
        r.state().dbName(),
        r.actorId(),
        status,
        r.lastHealthCheck(),
        progress,
        d,
        reason);
  }

  private Finding orphan(String actorId, InstanceRecord owner, Instant now) {
    String reason;
    if (owner == null) {
      reason = "actor " + actorId + " is running but its instance no longer exists";
    } else if (!ActorFence.WATCHED.contains(owner.state())) {
      reason = "actor " + actorId + " is running but its instance is " + owner.state().dbName();
    } else {
      reason =
          "actor "
              + actorId
              + " is running but the instance's recorded actor is "
              + owner.actorId();
    }
    return new Finding(
        owner == null ? null : owner.id(),
        owner == null ? null : owner.userName(),
        owner == null ? null : owner.k8sName(),
        owner == null ? null : owner.state().dbName(),
        actorId,
        "running",
        owner == null ? null : owner.lastHealthCheck(),
        null,
        Diagnosis.ORPHANED,
        reason);
  }

  /**
   * Whether the recorded actor may be one whose start is under way: an actor is recorded first and
   * started in the engine a moment later (by an actor start or repair, or by the create
   * orchestration's next step). The row has changed since its last health check (a check sets both
   * times together) and within the stale threshold. Once the engine's state is lost, the row's last
   * change is the old actor's last check, so the actor is missing at once.
   */
  private boolean recordedJustNow(InstanceRecord r, Instant now) {
    Instant changed = r.updatedAt();
    return changed != null
        && (r.lastHealthCheck() == null || changed.isAfter(r.lastHealthCheck()))
        && !older(changed, now);
  }

  private boolean older(Instant t, Instant now) {
    return t == null || Duration.between(t, now).compareTo(staleAfter) > 0;
  }

  /** {@code actor-<k8s name>-<8 hex>} → the k8s name. */
  static String k8sNameOf(String actorId) {
    if (!actorId.startsWith("actor-") || actorId.length() < "actor-".length() + 10) {
      return null;
    }
    return actorId.substring("actor-".length(), actorId.length() - 9);
  }
}
