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
 * the ids of every running actor orchestration (for orphans); and the watched singletons in one
 * more.
 *
 * <p>One clock: every timestamp it compares is written by the metadata database ({@code now()}),
 * and the server gives it the database's clock, read once per diagnosis after the rows. A timestamp
 * after that moment means the database's clock was stepped back: its age is reported as negative
 * ("... in the future: clocks disagree") and it never counts as fresh.
 */
public final class ActorDoctor implements DoctorOperations {
  private final CmsStore cms;
  private final DurableClient engine;
  private final Duration staleAfter;
  private final Supplier<Instant> clock;
  private final List<WatchedSingleton> singletons;
  private final Supplier<Map<UUID, String>> healthReasons;

  /** A doctor that watches no singletons. */
  public ActorDoctor(
      CmsStore cms, DurableClient engine, Duration staleAfter, Supplier<Instant> clock) {
    this(cms, engine, staleAfter, clock, List.of());
  }

  /** A doctor that does not report the instances' health reasons. */
  public ActorDoctor(
      CmsStore cms,
      DurableClient engine,
      Duration staleAfter,
      Supplier<Instant> clock,
      List<WatchedSingleton> singletons) {
    this(cms, engine, staleAfter, clock, singletons, Map::of);
  }

  /**
   * @param clock the time ages are measured to: the metadata database's {@code now()} in a server
   * @param singletons the control plane's own singletons to report on
   * @param healthReasons the health reason of every instance that has one (a server down, a crash
   *     loop: docs/actor.md#crash-restart), added to its finding's reason
   */
  public ActorDoctor(
      CmsStore cms,
      DurableClient engine,
      Duration staleAfter,
      Supplier<Instant> clock,
      List<WatchedSingleton> singletons,
      Supplier<Map<UUID, String>> healthReasons) {
    this.cms = cms;
    this.engine = engine;
    this.staleAfter = staleAfter;
    this.clock = clock;
    this.singletons = List.copyOf(singletons);
    this.healthReasons = Objects.requireNonNull(healthReasons, "healthReasons");
  }

  /**
   * {@code f} with the instance's health reason, if it has one, and a failing or lagging WAL
   * archive (docs/backups.md#the-archives-health), after its own reason.
   */
  private static Finding withHealth(Finding f, Map<UUID, String> reasons, InstanceRecord r) {
    String why = f.instanceId() == null ? null : reasons.get(f.instanceId());
    String archive = ArchiveReason.of(r.archive());
    if (why == null && archive == null) {
      return f;
    }
    return new Finding(
        f.instanceId(),
        f.instanceName(),
        f.k8sName(),
        f.state(),
        f.actorId(),
        f.actorStatus(),
        f.lastHealthCheck(),
        f.actorProgressAt(),
        f.diagnosis(),
        f.reason()
            + (why == null ? "" : "; instance server: " + why)
            + (archive == null ? "" : "; " + archive));
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
    Map<String, InstanceInfo> watched =
        singletons.isEmpty()
            ? Map.of()
            : engine.getInstances(
                singletons.stream().map(WatchedSingleton::orchestrationId).toList());
    Instant now = clock.get();
    Map<UUID, String> reasons = healthReasons.get();
    List<Finding> findings = new ArrayList<>();
    Map<String, InstanceRecord> byActor = new HashMap<>();
    for (InstanceRecord r : live) {
      if (r.actorId() != null) {
        byActor.put(r.actorId(), r);
      }
      if (ActorFence.WATCHED.contains(r.state())) {
        findings.add(
            withHealth(
                diagnose(r, r.actorId() == null ? null : actors.get(r.actorId()), now),
                reasons,
                r));
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
    List<DoctorReport.Singleton> own = new ArrayList<>();
    for (WatchedSingleton w : singletons) {
      own.add(singleton(w, watched.get(w.orchestrationId()), now));
    }
    return new DoctorReport(now, findings, own);
  }

  static DoctorReport.Singleton singleton(WatchedSingleton w, InstanceInfo info, Instant now) {
    if (info == null) {
      return new DoctorReport.Singleton(
          w.name(),
          w.orchestrationId(),
          "missing",
          null,
          null,
          false,
          "orchestration " + w.orchestrationId() + " does not exist");
    }
    Instant progress = info.lastProgressAt();
    Double age = progress == null ? null : Duration.between(progress, now).toMillis() / 1000.0;
    boolean running = info.status() == OrchestrationStatus.RUNNING;
    boolean future = progress != null && progress.isAfter(now);
    boolean quiet = progress == null || Duration.between(progress, now).compareTo(w.quietFor()) > 0;
    String reason;
    if (!running) {
      reason =
          "ended ("
              + info.status().dbName()
              + (info.failure() != null ? ": " + info.failure().message() : "")
              + ") "
              + ago(progress, now)
              + "; the server starts it again";
    } else if (future) {
      reason = "running, but its last progress " + ago(progress, now);
    } else if (quiet) {
      reason =
          "running, but its last progress was "
              + ago(progress, now)
              + " (expected within "
              + format(w.quietFor())
              + ")";
    } else {
      reason = "running; last progress " + ago(progress, now);
    }
    return new DoctorReport.Singleton(
        w.name(),
        w.orchestrationId(),
        info.status().dbName(),
        progress,
        age,
        running && !future && !quiet,
        reason);
  }

  /**
   * {@code 42s ago}, or {@code is 42s in the future: clocks disagree} for a timestamp after {@code
   * now}, or {@code never}.
   */
  static String ago(Instant t, Instant now) {
    if (t == null) {
      return "never";
    }
    if (t.isAfter(now)) {
      return "is " + format(Duration.between(now, t)) + " in the future: clocks disagree";
    }
    return format(Duration.between(t, now)) + " ago";
  }

  /** Diagnoses one instance (for its detail view); one engine query. */
  @Override
  public Finding diagnose(InstanceRecord r) {
    InstanceInfo actor = r.actorId() == null ? null : engine.getInstance(r.actorId()).orElse(null);
    return withHealth(diagnose(r, actor, clock.get()), healthReasons.get(), r);
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
    Map<UUID, String> reasons = healthReasons.get();
    Map<UUID, Finding> out = new HashMap<>();
    for (InstanceRecord r : instances) {
      out.put(
          r.id(),
          withHealth(
              diagnose(r, r.actorId() == null ? null : actors.get(r.actorId()), now), reasons, r));
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
    // A check in the future (the clock stepped back) is no reference either: an actor started on
    // the current clock (by the repair of that very finding) is judged by its own start.
    boolean notCheckedYet =
        actor != null
            && actor.createdAt() != null
            && (actor.createdAt().isAfter(checkedOrStarted)
                || (checkedOrStarted.isAfter(now) && !actor.createdAt().isAfter(now)));
    if (notCheckedYet) {
      checkedOrStarted = actor.createdAt();
    }
    String checkAge =
        r.lastHealthCheck() == null
            ? "no health check yet"
            : "last health check " + ago(r.lastHealthCheck(), now);
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
              + ago(r.updatedAt(), now)
              + " and is not started in the engine yet; "
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
              + ago(progress, now)
              + " while monitoring is on; "
              + checkAge;
    } else if (older(progress, now)) {
      d = Diagnosis.ZOMBIE;
      reason =
          progress != null && progress.isAfter(now)
              ? "actor "
                  + r.actorId()
                  + " is running in the engine but its last progress "
                  + ago(progress, now)
                  + "; "
                  + checkAge
              : "actor "
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
              + ago(progress, now);
    } else if (notCheckedYet) {
      d = Diagnosis.HEALTHY;
      reason =
          checkAge
              + "; actor "
              + r.actorId()
              + " started "
              + ago(actor.createdAt(), now)
              + " and has not recorded a check yet";
    } else {
      d = Diagnosis.HEALTHY;
      reason =
          checkAge
              + "; actor "
              + r.actorId()
              + " is running and its history advanced "
              + ago(progress, now);
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

  /** Older than the stale threshold, unknown, or in the future (never fresh: clocks disagree). */
  private boolean older(Instant t, Instant now) {
    return t == null || t.isAfter(now) || Duration.between(t, now).compareTo(staleAfter) > 0;
  }

  /** {@code actor-<k8s name>-<8 hex>} → the k8s name. */
  static String k8sNameOf(String actorId) {
    if (!actorId.startsWith("actor-") || actorId.length() < "actor-".length() + 10) {
      return null;
    }
    return actorId.substring("actor-".length(), actorId.length() - 9);
  }
}
