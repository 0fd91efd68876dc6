package dev.toygres.controlplane.dataplane;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where managed PostgreSQL instances run (local processes today; Kubernetes later). Every operation
 * is idempotent, because activities run at least once: provisioning an instance that already exists
 * returns it, stopping a stopped one or deprovisioning a missing one does nothing. Servers outlive
 * the control plane process that started them.
 */
public interface DataPlane {
  /** The most streaming standbys one instance may have. */
  int MAX_REPLICAS = 5;

  /** {@code local} or {@code kubernetes}. */
  String kind();

  /** Major versions that can be provisioned, newest first (e.g. 18, 17, 15). */
  List<Integer> availableVersions();

  /** The default major version. */
  int defaultVersion();

  /**
   * Creates the server, starts it, and returns where it runs. The tenant's role logs in with its
   * password and is not a superuser; the control plane's superuser and monitoring role get the
   * spec's secrets and log in only through the channel reserved for them.
   */
  ServerInfo provision(ProvisionSpec spec);

  /** Starts a provisioned server (no-op if it runs); returns where it runs. */
  ServerInfo start(String k8sName);

  /** Stops the server (no-op if stopped). Its data stays. */
  void stop(String k8sName);

  /** Stops the server and removes everything it had (data directory, logs). */
  void deprovision(String k8sName);

  /** The server, if provisioned; {@code pid} is null when it is not running. */
  Optional<ServerInfo> status(String k8sName);

  /**
   * Brings an instance made before tenant isolation (whose tenant held the bootstrap superuser) to
   * the current access model: the control plane's superuser and monitoring role with {@code
   * secrets}, the tenant's own role (same name, same password, its objects), the server run as an
   * unprivileged OS user. Leaves the server running. No-op (but start) for an instance already
   * upgraded.
   */
  ServerInfo upgradeAccess(String k8sName, ControlSecrets secrets);

  /** Sets the password of the tenant's role, as the control plane's superuser. */
  void setTenantPassword(String k8sName, String password, ControlSecrets secrets);

  /**
   * Makes standby {@code ordinal} (1 to {@link #MAX_REPLICAS}; or 0, the instance's first server,
   * once a failover made it a standby) of the instance, a streaming replica of its current primary
   * with its own server, data and port, and starts it (starting the primary first if needed).
   * Idempotent: a standby made earlier is started and returned. The primary's own ordinal is an
   * {@link dev.toygres.controlplane.InvalidRequestException}.
   */
  Member provisionStandby(String k8sName, int ordinal, ControlSecrets secrets);

  /**
   * Stops standby {@code ordinal}, removes its data and drops its slot on the primary. No-op for a
   * standby that does not exist. The primary's own ordinal is an {@link
   * dev.toygres.controlplane.InvalidRequestException}.
   */
  void removeStandby(String k8sName, int ordinal, ControlSecrets secrets);

  /**
   * Makes every commit on the primary wait for one of the standbys {@code ordinals} to confirm it
   * ({@code synchronous_standby_names = 'ANY 1 (...)'}); empty makes replication asynchronous.
   */
  void setSynchronous(String k8sName, List<Integer> ordinals, ControlSecrets secrets);

  /**
   * The instance's servers, primary first, then its standbys by ordinal, with their health, lag and
   * timeline read now through the monitoring role. Empty if the instance is not provisioned.
   */
  List<Member> members(String k8sName, ControlSecrets secrets);

  /**
   * The end of the PostgreSQL log of each of the instance's servers, primary first, then its
   * standbys by ordinal: the last {@code max} complete lines of each, or, for a server whose
   * ordinal is in {@code after}, at most the last {@code max} of the lines written from that byte
   * offset on (an earlier {@link ServerLog#end()}; the whole log again if it was rotated since).
   * Reads at most a few MiB per server, whatever {@code max}. Empty if the instance is not
   * provisioned.
   */
  List<ServerLog> logs(String k8sName, int max, Map<Integer, Long> after);

  /**
   * Stops server {@code ordinal} of the instance for good, whatever state it is in (a frozen or
   * unresponsive server is killed, with every process it started), and marks it fenced on disk: no
   * start, restart or crash restart starts it again until {@link #rebuildStandby} makes it a
   * standby of the current primary or {@link #unfence} lifts the fence. After it returns, no
   * process of that server runs. Idempotent.
   */
  void fence(String k8sName, int ordinal);

  /** Lifts the fence of server {@code ordinal} (an aborted switchover). No-op if not fenced. */
  void unfence(String k8sName, int ordinal);

  /**
   * Stops the current primary with a clean (fast) shutdown, which sends its last WAL, up to its
   * shutdown checkpoint, to the standbys that stream; fences it; and returns the LSN of that
   * shutdown checkpoint (read from its {@code global/pg_control}). Idempotent: a primary already
   * stopped cleanly and fenced returns its checkpoint again.
   */
  long stopPrimaryCleanly(String k8sName);

  /**
   * How far each running, reachable standby has WAL: the larger of {@code
   * pg_last_wal_receive_lsn()} and {@code pg_last_wal_replay_lsn()}, by ordinal. Fenced servers and
   * standbys that do not answer are absent.
   */
  Map<Integer, Long> standbyPositions(String k8sName, ControlSecrets secrets);

  /**
   * Makes standby {@code ordinal} the primary. The current primary must be fenced and not running
   * ({@link dev.toygres.controlplane.StateConflictException} otherwise). Creates on the standby the
   * slots of every other server, promotes it (waiting for the promotion), records it as the primary
   * on disk, and sets its {@code synchronous_standby_names} to {@code ANY 1} of {@code
   * synchronousOrdinals} (empty: asynchronous). Idempotent: if {@code ordinal} is already the
   * primary, only the commit rule is set. Returns the new primary.
   */
  Member promote(
      String k8sName, int ordinal, List<Integer> synchronousOrdinals, ControlSecrets secrets);

  /**
   * Points standby {@code ordinal} at the current primary (its socket and port, the standby's slot)
   * and reloads it, starting it if it is stopped. Idempotent.
   */
  Member repoint(String k8sName, int ordinal, ControlSecrets secrets);

  /**
   * Makes server {@code ordinal} (a fenced former primary, or a standby that cannot follow) a fresh
   * standby of the current primary: stops it, replaces its data with a new base backup, configures
   * and starts it, and lifts its fence. Idempotent: running it again makes it again.
   */
  Member rebuildStandby(String k8sName, int ordinal, ControlSecrets secrets);

  /**
   * Takes an online base backup of the instance's current primary into the backup store under
   * {@code backupId} (files, backup label, and a manifest with every file's size and SHA-256), and
   * returns what it took. Every instance archives its WAL continuously into the same store, so the
   * backup plus the WAL archived after it restore to any later point. Idempotent: a backup of that
   * id that did not finish is wiped and taken again; a finished one is returned as it is.
   */
  BackupResult takeBaseBackup(String k8sName, String backupId, ControlSecrets secrets);

  /**
   * Checks the files of base backup {@code backupId} of {@code k8sName} against its manifest (each
   * file there, its size and SHA-256); returns the problems found, empty when the backup is intact.
   * Works after the instance was deleted (its backups outlive it).
   */
  List<String> verifyBackup(String k8sName, String backupId);

  /**
   * Checks base backup {@code backupId} of {@code k8sName} as {@link #verifyBackup} does, then, if
   * its files are intact, restores it into a scratch server to its end (its archived WAL included),
   * waits until that server is consistent and promoted, and removes it: the check {@code
   * pg_verifybackup} would do, and more. Returns the problems found, empty when the backup
   * restores. Takes a port and the backup's size on disk while it runs.
   */
  List<String> verifyBackupByRestore(String k8sName, String backupId);

  /**
   * Provisions a new instance {@code spec} from base backup {@code source.backupId()} of instance
   * {@code source.k8sName()} (which may have been deleted), replaying its archived WAL up to the
   * source's target (all of it when none), then promoting it: the new instance has its own port,
   * the control plane's roles get {@code spec}'s secrets, the tenant's role {@code spec}'s user and
   * password, and it archives its own WAL from then on. Idempotent like {@link #provision}: an
   * attempt that did not finish is wiped and made again; a finished one is started and returned. An
   * {@link dev.toygres.controlplane.InvalidRequestException} for a target before the backup's end
   * or after the last archived WAL.
   */
  ServerInfo restore(ProvisionSpec spec, RestoreSource source);

  /**
   * Ends the current WAL segment of the instance's primary and waits (at most a minute) until it is
   * archived, so that the archive holds everything written so far (otherwise it would within {@code
   * archive_timeout}, 60 s): call it on a running source before a {@link #restore} to its latest
   * point, and before deleting an instance whose backups are kept. A {@link
   * dev.toygres.controlplane.StateConflictException} if the primary does not run.
   *
   * @return the LSN where the closed segment's WAL ends
   */
  String archiveWalNow(String k8sName, ControlSecrets secrets);

  /** Removes base backup {@code backupId} of {@code k8sName} from the store (no-op if missing). */
  void deleteBackup(String k8sName, String backupId);

  /**
   * Removes the archived WAL of {@code k8sName} that no restore from base backup {@code
   * oldestKeptBackupId} (or a later one) needs: segments before that backup's start segment
   * (history files are kept). Returns how many files were removed.
   */
  int pruneArchive(String k8sName, String oldestKeptBackupId);

  /** Removes every base backup and all the archived WAL of {@code k8sName} from the store. */
  void purgeBackups(String k8sName);

  /**
   * The base backups the store holds for {@code k8sName}, oldest first, read from their manifests
   * (so a second control plane on the same store sees them); unfinished ones are absent.
   */
  List<BackupResult> storedBackups(String k8sName);
}
