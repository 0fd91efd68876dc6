package dev.toygres.controlplane.actor;

import dev.toygres.controlplane.actor.ActorRecovery.Result;
import dev.toygres.controlplane.actor.DoctorReport.Finding;
import dev.toygres.controlplane.cms.AuditLog;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit rows of a recovery's repairs ({@value #ACTION}, done or skipped, naming who asked for
 * them), written many in one statement.
 */
final class RepairAudit {
  private static final Logger log = LoggerFactory.getLogger(RepairAudit.class);
  static final String ACTION = "actor.repair";
  private final AuditLog audit;

  /** Rows written to {@code audit} (null: none). */
  RepairAudit(AuditLog audit) {
    this.audit = audit;
  }

  /** A repair's audit row. */
  static AuditLog.Entry entry(Finding f, Result r, Initiator by) {
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
    return new AuditLog.Entry(
        by.name(), ACTION, target, skipped ? "skipped" : "ok", null, detail.toString());
  }

  /** The repairs' audit rows; a failure to write them is logged and never stops the recovery. */
  void write(List<AuditLog.Entry> entries, Initiator by) {
    if (audit == null) {
      return;
    }
    try {
      audit.writeAll(entries);
    } catch (RuntimeException e) {
      log.error(
          "audit log: cannot write the {} rows of {} repairs by {} (first target {}): {}",
          ACTION,
          entries.size(),
          by.name(),
          entries.isEmpty() ? null : entries.get(0).target(),
          e.getMessage());
    }
  }
}
