package dev.toygres.controlplane.backup;

import dev.toygres.controlplane.cms.BackupPolicies;
import dev.toygres.controlplane.cms.BackupRow;
import dev.toygres.controlplane.cms.InstanceRecord;
import java.time.Duration;
import java.util.List;

/**
 * What the API and CLI can do with backups (docs/backups.md#api-and-cli). Errors are {@link
 * dev.toygres.controlplane.ToygresException}s: invalid input, an unknown instance or backup, or a
 * conflict (a backup still running, or needed by a retained restore window).
 */
public interface BackupOperations {
  /** A backup started: its id, which is also its orchestration's id. */
  record Started(String backupId, String orchestrationId) {}

  /** Starts a manual base backup of the running instance {@code name}. */
  Started create(String name);

  /** The stored backups of instances named {@code name} (deleted ones too), or of all if null. */
  List<BackupRow> list(String name);

  /** A stored backup. */
  BackupRow get(String id);

  /**
   * Removes a backup's files and marks it deleted. Refused while it runs, and when it is the base
   * of a retained restore window unless {@code force}.
   */
  void delete(String id, boolean force);

  /** The live instance's policy. */
  BackupPolicies.Policy policy(String name);

  /**
   * Changes the live instance's policy: {@code every} (null: unchanged), {@code off} (no scheduled
   * backups), {@code retention} (null: unchanged).
   */
  BackupPolicies.Policy setPolicy(String name, Duration every, boolean off, Duration retention);

  /** The instance's restore window. */
  RestoreWindow window(InstanceRecord r);
}
