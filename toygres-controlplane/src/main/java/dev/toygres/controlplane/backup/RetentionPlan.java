package dev.toygres.controlplane.backup;

import dev.toygres.controlplane.cms.BackupRow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What retention does with one instance's backups (docs/backups.md#schedules-and-retention). Every
 * point of the last {@code retention} must stay restorable, so the backups kept are those that
 * ended within it plus the newest one that ended before it (the base of the window); older usable
 * backups are removed, never the newest usable one. Failed backups are removed once older than the
 * retention. The archived WAL before the oldest kept backup is no longer needed. A deleted
 * instance's backups are all removed (and its archive) once its retention has passed since it was
 * deleted, or at once if its delete asked for it.
 *
 * @param remove the backups to remove, oldest first
 * @param oldestKept the oldest usable backup kept (the archive is pruned up to it), or null
 * @param purgeAll remove every backup and the whole archive of the instance
 */
public record RetentionPlan(List<BackupRow> remove, BackupRow oldestKept, boolean purgeAll) {
  public RetentionPlan {
    remove = List.copyOf(remove);
  }

  /**
   * The plan for an instance with {@code backups} (its stored ones, any order), deleted at {@code
   * deletedAt} (null: live), at {@code now}.
   */
  public static RetentionPlan of(
      List<BackupRow> backups,
      Duration retention,
      Instant deletedAt,
      boolean deleteWithInstance,
      Instant now) {
    Instant horizon = now.minus(retention);
    if (deletedAt != null && (deleteWithInstance || !deletedAt.isAfter(horizon))) {
      return new RetentionPlan(List.of(), null, true);
    }
    List<BackupRow> stored = backups.stream().filter(b -> b.deletedAt() == null).toList();
    BackupRow base = base(stored, horizon);
    List<BackupRow> remove = new ArrayList<>();
    for (BackupRow b : sorted(stored)) {
      if (b.usable()) {
        if (base != null && b.finishedAt().isBefore(base.finishedAt())) {
          remove.add(b);
        }
      } else if (BackupRow.FAILED.equals(b.status()) || BackupRow.COMPLETED.equals(b.status())) {
        Instant at = b.finishedAt() != null ? b.finishedAt() : b.startedAt();
        if (at.isBefore(horizon)) {
          remove.add(b);
        }
      }
    }
    return new RetentionPlan(remove, base, false);
  }

  /**
   * The base of the retained window: the newest usable backup that ended at or before {@code
   * horizon}, else the oldest usable one (all ended within the retention); null with none usable.
   * Removing it would make part of the retained window unrestorable.
   */
  public static BackupRow base(List<BackupRow> backups, Instant horizon) {
    List<BackupRow> usable = sorted(backups).stream().filter(BackupRow::usable).toList();
    if (usable.isEmpty()) {
      return null;
    }
    BackupRow base = usable.get(0);
    for (BackupRow b : usable) {
      if (!b.finishedAt().isAfter(horizon)) {
        base = b;
      }
    }
    return base;
  }

  private static List<BackupRow> sorted(List<BackupRow> backups) {
    return backups.stream()
        .sorted(
            Comparator.comparing(
                    (BackupRow b) -> b.finishedAt() != null ? b.finishedAt() : b.startedAt())
                .thenComparing(BackupRow::id))
        .toList();
  }
}
