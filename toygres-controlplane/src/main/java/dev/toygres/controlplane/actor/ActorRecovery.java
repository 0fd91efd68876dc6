package dev.toygres.controlplane.actor;

import dev.toygres.controlplane.InvalidRequestException;
import dev.toygres.controlplane.actor.DoctorReport.Finding;
import dev.toygres.controlplane.cms.AuditLog;
import dev.toygres.controlplane.cms.CmsStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repairs what the doctor finds: a fresh actor for stale, zombie, missing, dead (and, only when
 * asked, cancelled) instances; orphaned actors are ended. A new actor is recorded with a
 * compare-and-set on the id the doctor saw, so two recoveries running at once (in one process or
 * two) cannot both start one: the loser reports {@code skipped}. A replaced actor is terminated,
 * which also ends one stuck under a dead worker's lease at once. Every repair (done or skipped)
 * writes an {@code actor.repair} row to the audit log naming who asked for it.
 *
 * <p>Instances are repaired {@value #BATCH} at a time: their compare-and-sets, instance events and
 * actor starts commit in one transaction of a few set-based statements ({@link
 * ActorService#launchAll}), and their audit rows are one more statement, so that a fleet whose
 * engine state was lost is monitored again in seconds rather than minutes.
 */
public final class ActorRecovery implements RecoveryOperations {
  private static final Logger log = LoggerFactory.getLogger(ActorRecovery.class);

  /** Instances repaired in one transaction (claims, events and engine starts). */
  static final int BATCH = 250;

  private final ActorDoctor doctor;
  private final ActorService actors;
  private final CmsStore cms;
  private final MeterRegistry metrics;
  private final RepairAudit audit;

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
    this.audit = new RepairAudit(audit);
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
    long t0 = System.nanoTime();
    List<Finding> findings = doctor.diagnose().only(diagnoses);
    if (dryRun) {
      return findings.stream().map(ActorRecovery::plan).toList();
    }
    long t1 = System.nanoTime();
    Result[] results = new Result[findings.size()];
    List<Integer> batch = new ArrayList<>(BATCH);
    for (int i = 0; i < findings.size(); i++) {
      if (findings.get(i).diagnosis() != Diagnosis.ORPHANED) {
        batch.add(i);
      }
      if (batch.size() == BATCH) {
        repairBatch(findings, batch, results, by);
        batch.clear();
      }
    }
    repairBatch(findings, batch, results, by);
    for (int i = 0; i < findings.size(); i++) {
      Finding f = findings.get(i);
      if (f.diagnosis() == Diagnosis.ORPHANED) {
        results[i] = endOrphan(f, by.phrase());
        audit.write(List.of(RepairAudit.entry(f, results[i], by)), by);
      }
    }
    if (results.length > 0) {
      long done = Arrays.stream(results).filter(r -> !r.action().equals("skipped")).count();
      log.info(
          "recovery by {}: diagnosed in {} ms; {} repairs, {} skipped, in {} ms",
          by.name(),
          (t1 - t0) / 1_000_000,
          done,
          results.length - done,
          (System.nanoTime() - t1) / 1_000_000);
    }
    return List.of(results);
  }

  /**
   * Gives the instances of {@code batch} (positions in {@code findings}) fresh actors in one
   * transaction, ends the actors they replace (unless the diagnosis says there is none in the
   * engine), and writes their audit rows in one statement.
   */
  private void repairBatch(
      List<Finding> findings, List<Integer> batch, Result[] results, Initiator by) {
    if (batch.isEmpty()) {
      return;
    }
    List<ActorService.Launch> launches = new ArrayList<>(batch.size());
    for (int i : batch) {
      Finding f = findings.get(i);
      launches.add(
          new ActorService.Launch(
              f.instanceId(),
              f.k8sName(),
              f.actorId(),
              f.diagnosis().label()
                  + " actor repaired by "
                  + by.phrase()
                  + " ("
                  + actionFor(f.diagnosis())
                  + "): "
                  + f.reason()));
    }
    Map<UUID, String> fresh = actors.launchAll(launches);
    List<AuditLog.Entry> entries = new ArrayList<>(batch.size());
    for (int i : batch) {
      Finding f = findings.get(i);
      String id = fresh.get(f.instanceId());
      if (id == null) {
        results[i] =
            new Result(
                f.instanceName(),
                f.diagnosis().label(),
                "skipped",
                null,
                f.actorId(),
                "the instance changed since it was diagnosed");
      } else {
        if (mayRun(f)) {
          actors.cancelQuietly(
              f.actorId(), "replaced by " + id + " (" + f.diagnosis().label() + ")");
        }
        count(f.diagnosis());
        results[i] =
            new Result(
                f.instanceName(),
                f.diagnosis().label(),
                actionFor(f.diagnosis()),
                id,
                f.actorId(),
                f.reason());
      }
      entries.add(RepairAudit.entry(f, results[i], by));
    }
    audit.write(entries, by);
  }

  /**
   * Whether the replaced actor may still be running: not when the doctor found none recorded or the
   * engine had no such orchestration (missing), so the repair spares a round trip that would find
   * nothing. One that starts late all the same is not the recorded actor: its next check ends it.
   */
  private static boolean mayRun(Finding f) {
    return f.actorId() != null
        && !(f.diagnosis() == Diagnosis.MISSING && "missing".equals(f.actorStatus()));
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

  private Result endOrphan(Finding f, String by) {
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
        f.instanceName(),
        f.diagnosis().label(),
        actionFor(f.diagnosis()),
        f.actorId(),
        null,
        f.reason());
  }

  private void count(Diagnosis d) {
    metrics.counter("toygres_actor_repairs_total", "diagnosis", d.label()).increment();
  }
}
