package dev.toygres.controlplane.dataplane;

import java.time.Instant;
import java.util.Objects;

/**
 * A finished base backup in the backup store.
 *
 * @param backupId its id (unique per instance)
 * @param k8sName the instance it was taken of
 * @param majorVersion the PostgreSQL major version of its files
 * @param startLsn where its WAL starts ({@code pg_backup_start}'s LSN, as {@code 0/2000028})
 * @param endLsn where it is consistent ({@code pg_backup_stop}'s LSN): the earliest point a restore
 *     from it can stop at
 * @param timeline the timeline it was taken on
 * @param startedAt when {@code pg_backup_start} ran
 * @param finishedAt when {@code pg_backup_stop} returned
 * @param sizeBytes the total size of its files
 * @param files how many files it holds
 * @param location where it lives, for people (a directory of the directory store)
 */
public record BackupResult(
    String backupId,
    String k8sName,
    int majorVersion,
    String startLsn,
    String endLsn,
    int timeline,
    Instant startedAt,
    Instant finishedAt,
    long sizeBytes,
    int files,
    String location) {
  public BackupResult {
    Objects.requireNonNull(backupId, "backupId");
    Objects.requireNonNull(k8sName, "k8sName");
    Objects.requireNonNull(startLsn, "startLsn");
    Objects.requireNonNull(endLsn, "endLsn");
  }
}
