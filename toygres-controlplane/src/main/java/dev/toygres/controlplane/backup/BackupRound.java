package dev.toygres.controlplane.backup;

import dev.toygres.controlplane.cms.BackupPolicies;
import dev.toygres.controlplane.cms.BackupRow;
import dev.toygres.controlplane.cms.Backups;
import dev.toygres.controlplane.cms.CmsStore;
import dev.toygres.controlplane.config.Durations;
import dev.toygres.controlplane.dataplane.DataPlane;
import dev.toygres.engine.client.DurableClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One round of the backup scheduler: starts every scheduled backup that is due (its id derived from
 * the instance and the due time, and claimed in the CMS, so two servers start it once), then
 * applies each instance's {@link RetentionPlan}. A failure with one instance is logged and the
 * others go on.
 */
final class BackupRound {
  private static final Logger LOG = LoggerFactory.getLogger(BackupRound.class);

  private final CmsStore cms;
  private final DataPlane dataPlane;
  private final DurableClient engine;
  private final Duration every;

  BackupRound(CmsStore cms, DataPlane dataPlane, DurableClient engine, Duration every) {
    this.cms = cms;
    this.dataPlane = dataPlane;
    this.engine = engine;
    this.every = every;
  }

  BackupScheduler.Round run() {
    Instant now = cms.databaseNow();
    int started = 0;
    for (BackupPolicies.Due d : cms.backups().policies().due(now)) {
      if (startScheduled(d, now)) {
        started++;
      }
    }
    int removed = 0;
    int pruned = 0;
    int purged = 0;
    for (BackupPolicies.Holder h : cms.backups().policies().holders()) {
      try {
        RetentionPlan plan =
            RetentionPlan.of(
                cms.backups().list(h.instanceId()),
                h.retention(),
                h.deletedAt(),
                h.deleteWithInstance(),
                now);
        if (plan.purgeAll()) {
          BackupPurge.purge(cms, dataPlane, h.instanceId(), h.k8sName(), "retention");
          purged++;
          continue;
        }
        for (BackupRow b : plan.remove()) {
          dataPlane.deleteBackup(h.k8sName(), b.id());
          cms.backups()
              .markDeleted(
                  b.id(),
                  "backup "
                      + b.id()
                      + " removed by retention ("
                      + Durations.format(h.retention())
                      + ")");
          removed++;
        }
        if (plan.oldestKept() != null) {
          pruned += dataPlane.pruneArchive(h.k8sName(), plan.oldestKept().id());
        }
      } catch (RuntimeException e) {
        LOG.warn("retention of instance {} ({}) failed: {}", h.name(), h.k8sName(), e.toString());
      }
    }
    return new BackupScheduler.Round(started, removed, pruned, purged, every.toMillis());
  }

  private boolean startScheduled(BackupPolicies.Due d, Instant now) {
    if (cms.backups().list(d.instanceId()).stream()
        .anyMatch(b -> BackupRow.RUNNING.equals(b.status()))) {
      return false; // still due: started at the first round after the running one ended
    }
    String id = scheduledId(d.k8sName(), d.due());
    BackupOrchestration.Input input = new BackupOrchestration.Input(d.instanceId(), id);
    try {
      return cms.backups()
          .policies()
          .claim(
              d,
              next(d.due(), d.schedule(), now),
              tx ->
                  cms.backups()
                      .start(
                          tx,
                          new Backups.NewBackup(
                              id, d.instanceId(), d.name(), d.k8sName(), "scheduled"),
                          tx2 -> engine.start(tx2, BackupOrchestration.NAME, id, input)));
    } catch (RuntimeException e) {
      LOG.warn("cannot start scheduled backup {} of {}: {}", id, d.name(), e.toString());
      return false;
    }
  }

  /**
   * The id of the scheduled backup of {@code k8sName} due at {@code due}: the same on every server.
   */
  static String scheduledId(String k8sName, Instant due) {
    String seed = k8sName + "@" + due.getEpochSecond();
    return BackupService.ID_PREFIX
        + k8sName
        + "-"
        + UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString().substring(0, 8);
  }

  /**
   * The first due time after {@code now} on the schedule through {@code due} (missed ones skipped).
   */
  static Instant next(Instant due, Duration schedule, Instant now) {
    if (now.isBefore(due)) {
      return due.plus(schedule);
    }
    long missed = Duration.between(due, now).toMillis() / schedule.toMillis();
    return due.plus(schedule.multipliedBy(missed + 1));
  }
}
