package dev.toygres.controlplane.api;

import dev.toygres.controlplane.backup.RestoreWindow;
import dev.toygres.controlplane.cms.BackupPolicies;
import dev.toygres.controlplane.cms.BackupRow;
import dev.toygres.controlplane.config.Durations;
import java.time.Instant;

/** What the backup routes send and receive, serialized in snake_case. */
final class BackupViews {
  private BackupViews() {}

  /** {@code POST /api/instances/{name}/backups} answers with it (202). */
  record Started(String backupId, String orchestrationId) {}

  /** One backup in {@code GET /api/backups} and {@code GET /api/backups/{id}}. */
  record BackupView(
      String id,
      String instanceName,
      String status,
      String kind,
      Instant startedAt,
      Instant finishedAt,
      String startLsn,
      String endLsn,
      Integer timeline,
      Long sizeBytes,
      Boolean verified,
      String verifyError,
      String error,
      String orchestrationId,
      String location) {
    static BackupView of(BackupRow b) {
      return new BackupView(
          b.id(),
          b.instanceName(),
          b.status(),
          b.kind(),
          b.startedAt(),
          b.finishedAt(),
          b.startLsn(),
          b.endLsn(),
          b.timeline(),
          b.sizeBytes(),
          b.verified(),
          b.verifyError(),
          b.error(),
          b.orchestrationId(),
          b.location());
    }
  }

  /**
   * Body of {@code PUT /api/instances/{name}/backup-policy}: {@code every} a duration or {@code
   * off}, {@code retention} a duration; an absent field stays as it is.
   */
  record PolicyBody(String every, String retention) {}

  /** An instance's backup policy; {@code schedule} null when scheduled backups are off. */
  record PolicyView(String schedule, String retention, Instant nextBackupAt) {
    static PolicyView of(BackupPolicies.Policy p) {
      return new PolicyView(
          p.schedule() == null ? null : Durations.format(p.schedule()),
          Durations.format(p.retention()),
          p.nextBackupAt());
    }
  }

  /** The {@code backups} part of {@code GET /api/instances/{name}}. */
  record InstanceBackups(Instant earliestRestorable, Instant latestRestorable, PolicyView policy) {
    static InstanceBackups of(RestoreWindow w, BackupPolicies.Policy p) {
      return new InstanceBackups(w.earliest(), w.latest(), PolicyView.of(p));
    }
  }

  /** Body of a restore in {@code POST /api/instances}. */
  record RestoreBody(String from, String toTime, String toLsn) {}
}
