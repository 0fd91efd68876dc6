package dev.toygres.controlplane.actor;

import dev.toygres.controlplane.ConflictException;
import dev.toygres.controlplane.InvalidRequestException;
import dev.toygres.controlplane.actor.DoctorReport.Finding;
import dev.toygres.controlplane.cms.AuditLog;
import dev.toygres.controlplane.cms.CmsStore;
import dev.toygres.controlplane.cms.InstanceRecord;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repairs what the doctor finds: a fresh actor for stale, zombie, missing, dead (and, only when
 * asked, cancelled) instances; orphaned actors are ended. A new actor is recorded with a
 * compare-and-set on the id the doctor saw, so two recoveries running at once (in one process or
 * two) cannot both start one: the loser reports {@code skipped}. A replaced actor is terminated,
 * which also ends one stuck under a dead worker's lease at once. Every repair (done or skipped)
 * writes an {@code actor.repair} row to the audit log naming who asked for it.
 */
public final class ActorRecovery implements RecoveryOperations {
  private static final Logger log = LoggerFactory.getLogger(ActorRecovery.class);
  static final String AUDIT_ACTION = "actor.repair";
  private final ActorDoctor doctor;
  private final ActorService actors;
  private final CmsStore cms;
  private final MeterRegistry metrics;
  private final AuditLog audit;

  /** What was done (or, in a dry run, would be done) for one finding. */
  public record Result(
      String instanceName,
      String diagnosis,
      String action,
      String actorId,
      String previousActorId,
      String detail) {}

  /** A recovery writing its audit rows to {@code audit} (null: none). */
  public ActorRecovery(
      ActorDoctor doctor,
      ActorService actors,
      CmsStore cms,
      MeterRegistry metrics,
      AuditLog audit) {
    this.doctor = doctor;
    this.actors = actors;
    this.cms = cms;
    this.metrics = metrics;
    this.audit = audit;
  }

  /**
   * Diagnoses the fleet and repairs the findings with one of {@code diagnoses}, on behalf of {@code
   * by} (named in instance events and audit rows); with {@code dryRun}, only says what it would do.
   */
  @Override
  public List<Result> recover(Set<Diagnosis> diagnoses, boolean dryRun, Initiator by) {
    if (diagnoses.stream().anyMatch(d -> !d.recoverable())) {
      throw new InvalidRequestException(
          "diagnoses",
          "healthy actors need no recovery; choose among stale, zombie, missing, dead,"
              + " cancelled, orphaned");
    }
    List<Result> results = new ArrayList<>();
    for (Finding f : doctor.diagnose().only(diagnoses)) {
      if (dryRun) {
        results.add(plan(f));
      } else {
        Result r = repair(f, by.phrase());
        audit(f, r, by);
        results.add(r);
      }
    }
    return results;
  }

  /** One audit row per repair; a failure to write it is logged and never stops the recovery. */
  private void audit(Finding f, Result r, Initiator by) {
    if (audit == null) {
      return;
    }
    boolean orphan = f.diagnosis() == Diagnosis.ORPHANED;
    String target = orphan || f.instanceName() == null ? f.actorId() : f.instanceName();
    boolean skipped = r.action().equals("skipped");
    StringBuilder detail = new StringBuilder(f.diagnosis().label()).append(": ");
    if (skipped) {
      detail.append("skipped, ").append(r.detail());
    } else if (orphan) {
      detail.append("ended actor ").append(f.actorId());
      if (f.instanceName() != null) {
        detail.append(" of instance ").append(f.instanceName());
      }
    } else {
      detail.append(r.action()).append(", new actor ").append(r.actorId());
      if (r.previousActorId() != null) {
        detail.append(" (previous ").append(r.previousActorId()).append(')');
      }
    }
    if (!skipped && f.reason() != null) {
      detail.append("; ").append(f.reason());
    }
    try {
      audit.write(
          new AuditLog.Entry(
              by.name(),
              AUDIT_ACTION,
              target,
              skipped ? "skipped" : "ok",
              null,
              detail.toString()));
    } catch (RuntimeException e) {
      log.error(
          "audit log: cannot write the {} row for {} by {}: {}",
          AUDIT_ACTION,
          target,
          by.name(),
          e.getMessage());
    }
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
    } catch (ConflictException conflict) {
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
