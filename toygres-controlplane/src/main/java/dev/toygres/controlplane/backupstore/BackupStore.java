package dev.toygres.controlplane.backupstore;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where base backups and archived WAL are kept, per instance ({@code k8sName}), outliving the
 * instance. A base backup is made in a local directory handed out by {@link #openBase} and counts
 * only once {@link #finishBase} has stored its manifest, which is always written last; WAL reaches
 * the store through the shell commands {@link #archiveCommand} and {@link #restoreCommand}, which
 * PostgreSQL runs itself ({@code archive_command}, {@code restore_command}). Every method is
 * idempotent. An object store fits behind the same interface (docs/backups.md says how).
 */
public interface BackupStore {

  /** Where the store is, for people (a directory, a bucket URL). */
  String location();

  /**
   * Makes the instance's place in the store (its WAL archive writable by the servers' OS user) and
   * records what it is ({@code instance.json}: name, major version, system identifier when known).
   *
   * @param systemIdentifier the cluster's system identifier, or null when not known yet
   * @throws dev.toygres.controlplane.dataplane.DataPlaneException if the servers' OS user cannot
   *     reach it
   */
  void prepareInstance(String k8sName, int majorVersion, String systemIdentifier);

  /**
   * The {@code archive_command} that stores segment {@code %p} as {@code %f} in the instance's WAL
   * archive: durably, never overwriting (an identical file already there counts as archived, a
   * different one fails).
   */
  String archiveCommand(String k8sName);

  /**
   * The {@code restore_command} that fetches {@code %f} of the instance's archive into {@code %p}.
   */
  String restoreCommand(String k8sName);

  /** The names of the files in the instance's WAL archive, sorted. */
  List<String> walFiles(String k8sName);

  /** Whether the instance's WAL archive holds {@code name}. */
  boolean hasWal(String k8sName, String name);

  /** Removes {@code name} from the instance's WAL archive (no-op if missing). */
  void removeWal(String k8sName, String name);

  /**
   * An empty local directory to write base backup {@code backupId} into ({@code data/}, {@code
   * backup_label}, {@code tablespace_map}); whatever an unfinished attempt left there is wiped. A
   * finished backup is never wiped: an {@link IllegalStateException}.
   */
  Path openBase(String k8sName, String backupId);

  /** Stores the manifest of the base backup written into {@link #openBase}, last and atomically. */
  void finishBase(BackupManifest manifest);

  /** The local directory holding the files of base backup {@code backupId} (finished or not). */
  Path baseDir(String k8sName, String backupId);

  /** The manifest of a finished base backup. */
  Optional<BackupManifest> manifest(String k8sName, String backupId);

  /** The manifests of the instance's finished base backups, oldest first. */
  List<BackupManifest> manifests(String k8sName);

  /** Removes base backup {@code backupId} (manifest first); no-op if missing. */
  void deleteBase(String k8sName, String backupId);

  /** Removes everything the store holds for the instance. */
  void purge(String k8sName);
}
