package dev.toygres.controlplane.backupstore;

import java.util.List;
import java.util.Objects;

/**
 * What a finished base backup holds: written last into its directory, so a base backup without a
 * manifest is one that did not finish.
 *
 * @param backupId the backup's id (unique per instance)
 * @param k8sName the instance it was taken of
 * @param majorVersion the PostgreSQL major version of its files
 * @param tenantUser the tenant's role in it (a restore renames it to the new instance's user)
 * @param startLsn {@code pg_backup_start}'s LSN ({@code 0/2000028})
 * @param endLsn {@code pg_backup_stop}'s LSN: the earliest point a restore from it can stop at
 * @param timeline the timeline it was taken on
 * @param startWalFile the WAL segment holding {@code startLsn} (the oldest one a restore needs)
 * @param endWalFile the WAL segment holding {@code endLsn}
 * @param startedAt when {@code pg_backup_start} ran (ISO-8601)
 * @param finishedAt when {@code pg_backup_stop} returned (ISO-8601)
 * @param files every file under {@code data/}, sorted by path
 */
public record BackupManifest(
    String backupId,
    String k8sName,
    int majorVersion,
    String tenantUser,
    String startLsn,
    String endLsn,
    int timeline,
    String startWalFile,
    String endWalFile,
    String startedAt,
    String finishedAt,
    List<BackupFile> files) {
  public BackupManifest {
    Objects.requireNonNull(backupId, "backupId");
    Objects.requireNonNull(k8sName, "k8sName");
    Objects.requireNonNull(startLsn, "startLsn");
    Objects.requireNonNull(endLsn, "endLsn");
    Objects.requireNonNull(startWalFile, "startWalFile");
    files = List.copyOf(files);
  }

  /** The total size of its files. */
  public long sizeBytes() {
    return files.stream().mapToLong(BackupFile::size).sum();
  }
}
