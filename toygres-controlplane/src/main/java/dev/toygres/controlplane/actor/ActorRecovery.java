package dev.toygres.controlplane.actor;

import dev.toygres.controlplane.ToygresException;
import dev.toygres.controlplane.actor.DoctorReport.Finding;
import dev.toygres.controlplane.cms.CmsStore;
import dev.toygres.controlplane.cms.InstanceRecord;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Repairs what the doctor finds: a fresh actor for stale, zombie, missing, dead (and, only when
 * asked, cancelled) instances; orphaned actors are ended. A new actor is recorded with a
 * compare-and-set on the id the doctor saw, so two recoveries running at once (in one process or
 * two) cannot both start one: the loser reports {@code skipped}. A replaced actor is terminated,
 * which also ends one stuck under a dead worker's lease at once.
 */
public final class ActorRecovery {
  private final ActorDoctor doctor;
  private final ActorService actors;
  private final CmsStore cms;
  private final MeterRegistry metrics;

  /** What was done (or, in a dry run, would be done) for one finding. */
  public record Result(
      String instanceName,
      String diagnosis,
      String action,
      String actorId,
      String previousActorId,
      String detail) {}

  public ActorRecovery(
      ActorDoctor doctor, ActorService actors, CmsStore cms, MeterRegistry metrics) {
    this.doctor = doctor;
    this.actors = actors;
    this.cms = cms;
    this.metrics = metrics;
  }

  /** Diagnoses the fleet and repairs the findings with one of {@code diagnoses}. */
  public List<Result> recover(Set<Diagnosis> diagnoses, boolean dryRun, String by) {
    if (diagnoses.contains(Diagnosis.HEALTHY)) {
      throw ToygresException.badRequest(
          "healthy actors need no recovery; choose among stale, zombie, missing, dead,"
              + " cancelled, orphaned");
    }
    List<Result> results = new ArrayList<>();
    for (Finding f : doctor.diagnose().only(diagnoses)) {
      results.add(dryRun ? plan(f) : repair(f, by));
    }
    return results;
  }

  private static String actionFor(Diagnosis d) {
    return switch (d) {
      case STALE, ZOMBIE -> "restart";
      case MISSING, DEAD, CANCELLED -> "start";
      case ORPHANED -> "cancel";
      case HEALTHY -> "none";
    };
  }

  private static Result plan(Finding f) {
    return new Result(
        f.instanceName(),
        f.diagnosis().label(),
        actionFor(f.diagnosis()),
        null,
        f.actorId(),
        "dry run: " + f.reason());
  }

  private Result repair(Finding f, String by) {
    String action = actionFor(f.diagnosis());
    if (f.diagnosis() == Diagnosis.ORPHANED) {
      if (!actors.cancelQuietly(f.actorId(), "orphaned actor ended by " + by + ": " + f.reason())) {
        return new Result(
            f.instanceName(),
            f.diagnosis().label(),
            "skipped",
            null,
            f.actorId(),
            "the orphaned actor had already ended");
      }
      if (f.instanceId() != null) {
        cms.event(
            f.instanceId(),
            "actor_repaired",
            "orphaned actor " + f.actorId() + " ended by " + by + ": " + f.reason());
      }
      count(f.diagnosis());
      return new Result(
          f.instanceName(), f.diagnosis().label(), action, f.actorId(), null, f.reason());
    }
    InstanceRecord r = cms.findById(f.instanceId()).orElse(null);
    if (r == null || !java.util.Objects.equals(r.actorId(), f.actorId())) {
      return new Result(
          f.instanceName(),
          f.diagnosis().label(),
          "skipped",
          null,
          f.actorId(),
          "the instance changed since it was diagnosed");
    }
    String fresh;
    try {
      fresh =
          actors.launch(
              r,
              f.actorId(),
              f.diagnosis().label()
                  + " actor repaired by "
                  + by
                  + " ("
                  + action
                  + "): "
                  + f.reason());
    } catch (ToygresException conflict) {
      return new Result(
          f.instanceName(),
          f.diagnosis().label(),
          "skipped",
          null,
          f.actorId(),
          conflict.getMessage());
    }
    actors.cancelQuietly(f.actorId(), "replaced by " + fresh + " (" + f.diagnosis().label() + ")");
    count(f.diagnosis());
    return new Result(
        f.instanceName(), f.diagnosis().label(), action, fresh, f.actorId(), f.reason());
  }

  private void count(Diagnosis d) {
    metrics.counter("toygres_actor_repairs_total", "diagnosis", d.label()).increment();
  }
}
