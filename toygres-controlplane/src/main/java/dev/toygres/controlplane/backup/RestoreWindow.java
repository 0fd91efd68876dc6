package dev.toygres.controlplane.backup;

import dev.toygres.controlplane.cms.BackupRow;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * The points in time an instance can be restored to: from the end of its oldest usable (completed,
 * verified, stored) backup to the time of its last archived WAL. Both null when it has no usable
 * backup.
 *
 * @param earliest the end time of the oldest usable backup
 * @param latest the time of the last archived WAL segment, or the end of the newest usable backup
 *     when that time is not known
 */
public record RestoreWindow(Instant earliest, Instant latest) {
  public static final RestoreWindow NONE = new RestoreWindow(null, null);

  /** Whether a restore is possible at all. */
  public boolean any() {
    return earliest != null;
  }

  /**
   * The window of an instance with these backups (any order; unusable ones are ignored) and whose
   * WAL was last archived at {@code lastArchivedAt} (null: not known). The only place the window is
   * computed.
   */
  public static RestoreWindow of(List<BackupRow> backups, Instant lastArchivedAt) {
    List<BackupRow> usable =
        backups.stream()
            .filter(BackupRow::usable)
            .sorted(Comparator.comparing(BackupRow::finishedAt))
            .toList();
    if (usable.isEmpty()) {
      return NONE;
    }
    Instant earliest = usable.get(0).finishedAt();
    Instant newest = usable.get(usable.size() - 1).finishedAt();
    Instant latest =
        lastArchivedAt != null && lastArchivedAt.isAfter(newest) ? lastArchivedAt : newest;
    return new RestoreWindow(earliest, latest);
  }
}
