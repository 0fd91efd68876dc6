package dev.toygres.controlplane.dataplane;

import dev.toygres.controlplane.NotFoundException;
import dev.toygres.controlplane.StateConflictException;
import dev.toygres.controlplane.backupstore.BackupManifest;
import dev.toygres.controlplane.backupstore.BackupStore;
import dev.toygres.controlplane.backupstore.DirectoryBackupStore;
import dev.toygres.controlplane.config.ServerConfig;
import dev.toygres.postgres.OsUser;
import dev.toygres.postgres.PostgresInstallation;
import dev.toygres.postgres.PostgresInstallations;
import dev.toygres.postgres.PostgresServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local data plane: every instance is a PostgreSQL server process on 127.0.0.1, with its own
 * directory {@code <instancesRoot>/<k8sName>/} holding {@code pgdata/}, {@code postgres.log} and
 * {@code instance.json} (major version, port, users), and a Unix socket directory only its OS user
 * can enter ({@link InstanceLayout}). When this JVM runs as root, servers run as an unprivileged OS
 * user; always with a clean environment. Servers outlive this object and its JVM; a new one on the
 * same directory finds them again. Every server archives its WAL into the backup store ({@link
 * DirectoryBackupStore}), where base backups are kept too; both outlive the instance. Thread-safe:
 * operations on one name are serialized (also across instances of this class in one JVM).
 */
public final class LocalDataPlane implements DataPlane {

  private static final Logger LOG = LoggerFactory.getLogger(LocalDataPlane.class);
  private static final int MAX_STANDBYS = DataPlane.MAX_REPLICAS;

  private final Path root;
  private final Path legacyRoot;
  private final VersionCatalog versions;
  private final InstanceLayout layout;
  private final Provisioner provisioner;
  private final Standbys standbys;
  private final Members members;
  private final Failovers failovers;
  private final Archiving archiving;
  private final BackupTaker backups;
  private final Restorer restorer;
  private final BackupChecks checks;

  /**
   * Creates a local data plane with every PostgreSQL installation found on this machine.
   *
   * @param instancesRoot the directory holding one directory per instance (created when needed)
   * @param portRangeStart first port instances may listen on
   * @param portRangeEnd last port instances may listen on
   * @param runAs the OS user instance servers run as (only root may name another user than its
   *     own), or null for this JVM's user
   * @throws DataPlaneException if no PostgreSQL installation is found
   */
  public LocalDataPlane(Path instancesRoot, int portRangeStart, int portRangeEnd, OsUser runAs) {
    this(
        instancesRoot,
        null,
        instancesRoot.toAbsolutePath().normalize().resolveSibling("backups"),
        portRangeStart,
        portRangeEnd,
        runAs,
        PostgresInstallations.discover());
  }

  /**
   * As {@link #LocalDataPlane(Path, int, int, OsUser)}, also finding instances made before tenant
   * isolation in {@code legacyRoot} (an instances root the OS user cannot reach), which move to
   * {@code instancesRoot} at their access upgrade, with the backup store in {@code backupRoot}.
   */
  LocalDataPlane(
      Path root,
      Path legacyRoot,
      Path backupRoot,
      int first,
      int last,
      OsUser runAs,
      List<PostgresInstallation> installations) {
    this.root = root.toAbsolutePath().normalize();
    this.legacyRoot =
        legacyRoot == null || legacyRoot.toAbsolutePath().normalize().equals(this.root)
            ? null
            : legacyRoot.toAbsolutePath().normalize();
    this.versions = new VersionCatalog(installations);
    this.layout = new InstanceLayout(this.root, runAs);
    PortAllocator ports = new PortAllocator(this.root, first, last);
    this.archiving = new Archiving(new DirectoryBackupStore(backupRoot, runAs), runAs);
    this.provisioner = new Provisioner(ports, layout, archiving);
    this.backups = new BackupTaker(layout, archiving);
    this.restorer = new Restorer(ports, layout, archiving);
    this.checks = new BackupChecks(this.root, layout, versions, archiving.store(), restorer);
    this.standbys = new Standbys(layout, ports);
    this.members = new Members(layout);
    this.failovers = new Failovers(layout, standbys, members);
  }

  /**
   * Creates the local data plane of a server configuration: instances in {@code
   * <dataDir>/instances}, ports from the configured range, and, when this JVM runs as root, servers
   * running as {@link ServerConfig#instanceUser()} (created as a system account if missing). If
   * that user cannot reach the data directory (under /root, say), instances live in {@code
   * /var/lib/toygres/instances-<hash of the data directory>} instead, and the backup store, unless
   * {@code --backup-dir} names one, in {@code /var/lib/toygres/backups-<hash>}.
   *
   * @param config the server configuration
   * @return the data plane
   */
  public static LocalDataPlane fromConfig(ServerConfig config) {
    OsUser runAs =
        OsUser.current().isRoot() ? OsUser.ensureSystemUser(config.instanceUser()) : null;
    Path root = InstanceLayout.instancesRoot(config.dataDir(), runAs);
    Path inDataDir = config.dataDir().toAbsolutePath().normalize().resolve("instances");
    if (!root.equals(inDataDir)) {
      LOG.info(
          "Instance servers run as {}, who cannot reach {}: instance data lives in {}",
          runAs.name(),
          config.dataDir(),
          root);
    }
    Path backups = config.backupRoot();
    if (config.backupDir() == null && !root.equals(inDataDir)) {
      backups = InstanceLayout.fallbackBackupRoot(config.dataDir());
      LOG.info(
          "Instance servers run as {}, who cannot reach {}: backups and archived WAL live in {}",
          runAs.name(),
          config.dataDir(),
          backups);
    }
    return new LocalDataPlane(
        root,
        inDataDir,
        backups,
        config.portRangeStart(),
        config.portRangeEnd(),
        runAs,
        PostgresInstallations.discover());
  }

  /**
   * Returns the OS user instance servers run as.
   *
   * @return the user, or null when they run as this JVM's user
   */
  public OsUser instanceUser() {
    return layout.runAs();
  }

  @Override
  public String kind() {
    return "local";
  }

  @Override
  public List<Integer> availableVersions() {
    return versions.versions();
  }

  @Override
  public int defaultVersion() {
    return versions.defaultVersion();
  }

  /**
   * {@inheritDoc} Idempotent: an instance provisioned earlier (with the same version and tenant
   * user, else a {@link dev.toygres.controlplane.ConflictException}) is started if needed and
   * returned; its data is never touched. An unknown version is an {@link
   * dev.toygres.controlplane.InvalidRequestException} listing the available ones.
   */
  @Override
  public ServerInfo provision(ProvisionSpec spec) {
    InstanceDir dir = InstanceNames.dir(root, spec.k8sName());
    PostgresInstallation inst = versions.require(spec.majorVersion());
    Provisioner.validate(spec);
    synchronized (InstanceNames.lock(dir)) {
      Optional<InstanceMetadata> existing =
          dir.readMetadata().filter(InstanceMetadata::initialized);
      if (existing.isPresent()) {
        InstanceMetadata meta = existing.get().requireMatches(spec);
        return startLocked(dir, meta);
      }
      dir.refuseUnrecordedCluster();
      archiving.prepare(spec.k8sName(), spec.majorVersion(), null);
      archiving.dropLeftoverWal(spec.k8sName());
      layout.prepare(dir);
      Provisioner.Provisioned done = provisioner.provision(dir, spec, inst);
      return info(dir, done.metadata(), done.server().pid());
    }
  }

  /**
   * {@inheritDoc} Finds a server started by an earlier process; {@link NotFoundException} if not
   * provisioned, {@link StateConflictException} for an instance made before tenant isolation (see
   * {@link #upgradeAccess}).
   */
  @Override
  public ServerInfo start(String k8sName) {
    InstanceDir dir = dir(k8sName);
    synchronized (InstanceNames.lock(dir)) {
      return startLocked(dir, dir.requireProvisioned(k8sName));
    }
  }

  /**
   * {@inheritDoc} Fast shutdown; works for a server started by an earlier process. {@link
   * NotFoundException} if there is no such instance.
   */
  @Override
  public void stop(String k8sName) {
    InstanceDir dir = dir(k8sName);
    synchronized (InstanceNames.lock(dir)) {
      if (dir.readMetadata().isEmpty()) {
        throw new NotFoundException(
            "instance", k8sName, "No provisioned instance '" + k8sName + "'");
      }
      InstanceMetadata meta = dir.readMetadata().get();
      if (!meta.initialized()) {
        InstanceServers.stop(dir, k8sName);
        return;
      }
      Topology t = Topology.read(dir, meta);
      InstanceServers.stop(t.primary().dir(), t.primary().name());
      for (Server s : t.servers()) {
        InstanceServers.stop(s.dir(), s.name());
      }
    }
  }

  /**
   * {@inheritDoc} Removes the instance directory, its standbys' (stopped after the primary) and
   * their socket directories; does nothing if it is missing.
   */
  @Override
  public void deprovision(String k8sName) {
    InstanceDir dir = dir(k8sName);
    synchronized (InstanceNames.lock(dir)) {
      ServerRoles roles = ServerRoles.read(dir);
      if (roles.primary() != 0) {
        InstanceServers.stop(
            Standbys.dir(dir, roles.primary()), Standbys.name(k8sName, roles.primary()));
      }
      InstanceServers.stop(dir, k8sName);
      for (java.nio.file.Path p : Standbys.dirs(dir.path())) {
        String name = Standbys.name(k8sName, Standbys.ordinal(p));
        InstanceServers.stop(new InstanceDir(p), name);
        layout.removeSocketDir(name);
      }
      dir.delete();
      layout.removeSocketDir(k8sName);
    }
    LOG.info("Deprovisioned instance '{}'", k8sName);
  }

  /** {@inheritDoc} The current primary's (after a failover, the promoted standby's). */
  @Override
  public Optional<ServerInfo> status(String k8sName) {
    InstanceDir dir = dir(k8sName);
    return dir.readMetadata()
        .filter(InstanceMetadata::initialized)
        .map(m -> Topology.read(dir, m).primary())
        .map(
            p ->
                info(
                    p.dir(),
                    p.metadata(),
                    InstanceServers.running(p.dir()).map(PostgresServer::pid).orElse(null)));
  }

  /**
   * {@inheritDoc} The server is restarted once: as the layout's OS user, with a clean environment
   * and its Unix socket, first with a pg_hba.conf that refuses TCP and trusts only the socket while
   * the control plane takes the bootstrap superuser over, then with the managed one.
   */
  @Override
  public ServerInfo upgradeAccess(String k8sName, ControlSecrets secrets) {
    InstanceDir dir = dir(k8sName);
    synchronized (InstanceNames.lock(dir)) {
      InstanceMetadata meta = dir.requireProvisioned(k8sName);
      if (meta.upgraded()) {
        return startLocked(dir, meta);
      }
      dir.requireCluster(k8sName);
      InstanceServers.stop(dir, k8sName);
      dir = moveIntoRoot(dir, k8sName);
      HbaFile.write(dir.dataDir(), HbaFile.UPGRADING, layout.runAs());
      PostgresInstallation inst = versions.forExisting(meta.name(), meta.majorVersion());
      PostgresServer server = InstanceServers.start(dir, meta, inst, layout, null);
      InstanceAccess.upgradeLegacy(dir, meta, layout, secrets);
      InstanceMetadata done = meta.asUpgraded(meta.tenant());
      dir.writeMetadata(done);
      LOG.info(
          "Instance '{}' upgraded: tenant role {}, control-plane roles, socket {}, pid {}",
          k8sName,
          done.tenant(),
          layout.socketDir(k8sName),
          server.pid());
      return info(dir, done, server.pid());
    }
  }

  /**
   * {@inheritDoc} {@link StateConflictException} unless the server runs and its access is current.
   */
  @Override
  public void setTenantPassword(String k8sName, String password, ControlSecrets secrets) {
    InstanceDir dir = dir(k8sName);
    synchronized (InstanceNames.lock(dir)) {
      InstanceMetadata meta = dir.requireProvisioned(k8sName);
      if (!meta.upgraded()) {
        throw new StateConflictException(
            k8sName,
            "waiting for its access upgrade",
            "password",
            "Instance '" + k8sName + "' is waiting for its access upgrade; try again shortly");
      }
      Server primary = Topology.read(dir, meta).primary();
      if (InstanceServers.running(primary.dir()).isEmpty()) {
        throw new StateConflictException(
            k8sName,
            "stopped",
            "password",
            "Instance '" + k8sName + "' is not running; start it to change its password");
      }
      InstanceAccess.setTenantPassword(layout, primary.metadata(), password, secrets);
    }
  }

  /**
   * {@inheritDoc} Idempotent: a standby made earlier is started if needed. A standby whose making
   * did not finish, or that is fenced or was removed, is made again from scratch. Ordinal 0 (the
   * instance directory's own server) may be made again once it is no longer the primary; the
   * primary's ordinal is an {@link dev.toygres.controlplane.InvalidRequestException}.
   */
  @Override
  public Member provisionStandby(String k8sName, int ordinal, ControlSecrets secrets) {
    requireOrdinal(ordinal);
    InstanceDir dir = dir(k8sName);
    synchronized (InstanceNames.lock(dir)) {
      InstanceMetadata meta = dir.requireProvisioned(k8sName);
      PostgresInstallation inst = versions.forExisting(meta.name(), meta.majorVersion());
      Topology t = Topology.read(dir, meta);
      requireNotPrimary(t, k8sName, ordinal);
      startLocked(dir, meta);
      Optional<Server> existing = t.server(ordinal);
      if (existing.isPresent()
          && !t.isFenced(ordinal)
          && !t.roles().isRemoved(ordinal)
          && existing.get().dir().hasCluster()) {
        standbys.start(existing.get(), inst);
        return members.of(t, existing.get(), null);
      }
      if (ordinal == 0 || existing.isPresent()) {
        return failovers.rebuild(t, k8sName, ordinal, inst, secrets);
      }
      Server made = standbys.provision(dir, k8sName, t.primary(), inst, ordinal, secrets);
      return members.of(Topology.read(dir, meta), made, null);
    }
  }

  /**
   * {@inheritDoc} For ordinal 0 (the instance directory's own server, a standby since a failover)
   * only its data directory goes, and it is recorded as removed until {@link #provisionStandby}
   * makes it again. The primary's ordinal is an {@link
   * dev.toygres.controlplane.InvalidRequestException}.
   */
  @Override
  public void removeStandby(String k8sName, int ordinal, ControlSecrets secrets) {
    requireOrdinal(ordinal);
    InstanceDir dir = dir(k8sName);
    synchronized (InstanceNames.lock(dir)) {
      InstanceMetadata meta = dir.requireProvisioned(k8sName);
      Topology t = Topology.read(dir, meta);
      requireNotPrimary(t, k8sName, ordinal);
      if (ordinal == 0) {
        t.roles().withRemoved(0, true).write(dir);
        InstanceServers.stop(dir, k8sName);
        dir.deleteDataDir();
        standbys.dropSlot(k8sName, t.primary(), 0, secrets);
        LOG.info("Removed server 0 of '{}' (its data; it may be made again)", k8sName);
      } else {
        standbys.remove(dir, k8sName, t.primary(), ordinal, secrets);
      }
      if (t.isFenced(ordinal)) {
        ServerRoles.read(dir).withFenced(ordinal, false).write(dir);
      }
    }
  }

  /** {@inheritDoc} On the current primary. */
  @Override
  public void setSynchronous(String k8sName, List<Integer> ordinals, ControlSecrets secrets) {
    ordinals.forEach(LocalDataPlane::requireOrdinal);
    InstanceDir dir = dir(k8sName);
    synchronized (InstanceNames.lock(dir)) {
      InstanceMetadata meta = dir.requireProvisioned(k8sName);
      standbys.setSynchronous(Topology.read(dir, meta).primary(), ordinals, secrets);
    }
  }

  /**
   * {@inheritDoc} The first is the current primary (ordinal 0 until a failover); a fenced server
   * has health {@code fenced} (role {@code standby}, or {@code primary} while it is the fenced
   * primary of a failover or switchover under way); a removed ordinal 0 is not listed.
   */
  @Override
  public List<Member> members(String k8sName, ControlSecrets secrets) {
    InstanceDir dir = dir(k8sName);
    Optional<InstanceMetadata> found = dir.readMetadata().filter(InstanceMetadata::initialized);
    if (found.isEmpty()) {
      return List.of();
    }
    return members.list(Topology.read(dir, found.get()), secrets);
  }

  /**
   * Starts rotating, every {@code every}, each instance server's log that outgrew 10 MiB (as {@link
   * #logs} does when it reads one); closing the result stops it.
   */
  public AutoCloseable rotateLogsEvery(java.time.Duration every) {
    return new LogRotation(root, every);
  }

  /**
   * {@inheritDoc} Each server's log is {@code postgres.log} in its directory; one larger than 10
   * MiB is first copied to {@code postgres.log.1} (the previous copy to {@code .2}) and truncated.
   */
  @Override
  public List<ServerLog> logs(String k8sName, int max, Map<Integer, Long> after) {
    InstanceDir dir = dir(k8sName);
    Optional<InstanceMetadata> found = dir.readMetadata().filter(InstanceMetadata::initialized);
    if (found.isEmpty()) {
      return List.of();
    }
    return ServerLogs.read(Topology.read(dir, found.get()), max, after);
  }

  /**
   * {@inheritDoc} The fence is recorded in {@code roles.json} before anything is stopped; the
   * server gets {@link Failovers#FENCE_GRACE} for a fast shutdown, then SIGKILL (also when frozen
   * by SIGSTOP), then every postgres process still running in its data directory is killed.
   */
  @Override
  public void fence(String k8sName, int ordinal) {
    requireOrdinal(ordinal);
    locked(
        k8sName,
        (t, meta) -> {
          failovers.fence(t, k8sName, ordinal);
          return null;
        });
  }

  @Override
  public void unfence(String k8sName, int ordinal) {
    requireOrdinal(ordinal);
    locked(
        k8sName,
        (t, meta) -> {
          failovers.unfence(t, ordinal);
          return null;
        });
  }

  /**
   * {@inheritDoc} A {@link StateConflictException} if the primary's {@code pg_control} does not say
   * it shut down cleanly (it crashed, or its fast shutdown had to be escalated): then a failover is
   * the way.
   */
  @Override
  public long stopPrimaryCleanly(String k8sName) {
    return locked(k8sName, (t, meta) -> failovers.stopPrimaryCleanly(t, k8sName));
  }

  /** {@inheritDoc} Each standby gets {@link MemberProbe#TIMEOUT} to answer. */
  @Override
  public Map<Integer, Long> standbyPositions(String k8sName, ControlSecrets secrets) {
    InstanceDir dir = dir(k8sName);
    InstanceMetadata meta = dir.requireProvisioned(k8sName);
    return failovers.positions(Topology.read(dir, meta), secrets);
  }

  /**
   * {@inheritDoc} Safe to run again after a crash at any point: a standby already out of recovery
   * is not promoted again, slots already made are kept. The promoted server's own standby settings
   * are removed from its {@code postgresql.auto.conf}.
   */
  @Override
  public Member promote(
      String k8sName, int ordinal, List<Integer> synchronousOrdinals, ControlSecrets secrets) {
    requireOrdinal(ordinal);
    synchronousOrdinals.forEach(LocalDataPlane::requireOrdinal);
    return locked(
        k8sName,
        (t, meta) ->
            failovers.promote(
                t, k8sName, ordinal, synchronousOrdinals, installation(meta), secrets));
  }

  /**
   * {@inheritDoc} The primary must run; the standby's {@code postgresql.auto.conf} is edited (the
   * replication password never travels in a statement) and reloaded. A fenced server, or one that
   * is not a standby, is a {@link StateConflictException}: rebuild it.
   */
  @Override
  public Member repoint(String k8sName, int ordinal, ControlSecrets secrets) {
    requireOrdinal(ordinal);
    return locked(
        k8sName, (t, meta) -> failovers.repoint(t, k8sName, ordinal, installation(meta), secrets));
  }

  /**
   * {@inheritDoc} A fresh copy (no {@code pg_rewind}: the Maven-delivered binaries lack it): the
   * server's processes are ended, its data directory deleted (for ordinal 0 only {@code pgdata/}),
   * and a base backup of the current primary, which must run, takes its place.
   */
  @Override
  public Member rebuildStandby(String k8sName, int ordinal, ControlSecrets secrets) {
    requireOrdinal(ordinal);
    return locked(
        k8sName, (t, meta) -> failovers.rebuild(t, k8sName, ordinal, installation(meta), secrets));
  }

  /**
   * {@inheritDoc} Under the instance's lock (no failover or standby change meanwhile), from the
   * current primary, which must run ({@link StateConflictException} otherwise, and also when it
   * runs without WAL archiving: it archives from its next start). Waits up to {@link
   * BackupTaker#ARCHIVE_WAIT} for the archive to hold the WAL the backup needs.
   */
  @Override
  public BackupResult takeBaseBackup(String k8sName, String backupId, ControlSecrets secrets) {
    Optional<BackupManifest> done = store().manifest(k8sName, backupId);
    if (done.isPresent()) {
      return BackupTaker.result(store(), done.get());
    }
    return locked(k8sName, (t, meta) -> backups.take(t, k8sName, backupId, secrets));
  }

  /**
   * {@inheritDoc} Also reports a missing backup label and missing WAL segments of the backup's
   * start and end in the archive. {@link NotFoundException} for a backup without a manifest.
   */
  @Override
  public List<String> verifyBackup(String k8sName, String backupId) {
    return checks.verify(k8sName, backupId);
  }

  /**
   * {@inheritDoc} The scratch instance is {@code check-<hash of the instance and backup>} in the
   * instances root; it is removed (server, directory, socket, its place in the store) whatever
   * happens.
   */
  @Override
  public List<String> verifyBackupByRestore(String k8sName, String backupId) {
    return checks.verifyByRestore(k8sName, backupId);
  }

  /**
   * {@inheritDoc} The spec's major version must be the backup's. Every file is checked against the
   * manifest as it is copied: a damaged backup is an {@link
   * dev.toygres.controlplane.InvalidRequestException} naming the file. Any failure leaves no server
   * running and no instance directory. The WAL the source has not archived yet is not replayed
   * (call {@link #archiveWalNow} on a running source first); for a deleted source, that is what it
   * wrote in its last {@code archive_timeout}.
   */
  @Override
  public ServerInfo restore(ProvisionSpec spec, RestoreSource source) {
    InstanceDir dir = InstanceNames.dir(root, spec.k8sName());
    Provisioner.validate(spec);
    synchronized (InstanceNames.lock(dir)) {
      Optional<InstanceMetadata> existing =
          dir.readMetadata().filter(InstanceMetadata::initialized);
      if (existing.isPresent()) {
        return startLocked(dir, existing.get().requireMatches(spec));
      }
      BackupManifest m = restorer.check(spec, source);
      PostgresInstallation inst = versions.require(m.majorVersion());
      dir.refuseUnrecordedCluster();
      layout.prepare(dir);
      Provisioner.Provisioned done = restorer.restore(dir, spec, source, m, inst);
      return info(dir, done.metadata(), done.server().pid());
    }
  }

  /**
   * {@inheritDoc} {@code pg_switch_wal()} as the control plane's superuser, then waits (at most a
   * minute) until the segment it closed is in the archive.
   */
  @Override
  public String archiveWalNow(String k8sName, ControlSecrets secrets) {
    return locked(
        k8sName,
        (t, meta) -> {
          Server p = t.primary();
          if (InstanceServers.running(p.dir()).isEmpty()) {
            throw new StateConflictException(
                k8sName, "stopped", "archive", "Instance '" + k8sName + "' is not running");
          }
          try (var c = WalSwitch.superuser(layout, p, secrets)) {
            String current = BackupTaker.walFileName(c, WalSwitch.currentLsn(c));
            String end = WalSwitch.execute(c);
            BackupTaker.awaitArchived(store(), k8sName, current);
            return end;
          } catch (java.sql.SQLException e) {
            throw new DataPlaneException(k8sName, "archive", "Cannot switch WAL: " + e, e);
          }
        });
  }

  @Override
  public void deleteBackup(String k8sName, String backupId) {
    store().deleteBase(k8sName, backupId);
    LOG.info("Deleted base backup {} of '{}'", backupId, k8sName);
  }

  /**
   * {@inheritDoc} Segments, partial segments and {@code .backup} files are compared by their
   * position in the WAL whatever their timeline; timeline history files are always kept. {@link
   * NotFoundException} if that backup is not in the store.
   */
  @Override
  public int pruneArchive(String k8sName, String oldestKeptBackupId) {
    return checks.prune(k8sName, oldestKeptBackupId);
  }

  @Override
  public void purgeBackups(String k8sName) {
    store().purge(k8sName);
    LOG.info("Removed every backup and the WAL archive of '{}'", k8sName);
  }

  @Override
  public List<BackupResult> storedBackups(String k8sName) {
    return store().manifests(k8sName).stream().map(m -> BackupTaker.result(store(), m)).toList();
  }

  /** The backup store. */
  public BackupStore store() {
    return archiving.store();
  }

  /** Work on an instance's servers, done under its lock. */
  private interface LockedWork<T> {
    T run(Topology topology, InstanceMetadata meta);
  }

  /**
   * Runs {@code work} on the instance's servers as recorded now, holding the instance's lock; a
   * {@link NotFoundException} if it is not provisioned.
   */
  private <T> T locked(String k8sName, LockedWork<T> work) {
    InstanceDir dir = dir(k8sName);
    synchronized (InstanceNames.lock(dir)) {
      InstanceMetadata meta = dir.requireProvisioned(k8sName);
      return work.run(Topology.read(dir, meta), meta);
    }
  }

  private PostgresInstallation installation(InstanceMetadata meta) {
    return versions.forExisting(meta.name(), meta.majorVersion());
  }

  private static void requireOrdinal(int ordinal) {
    if (ordinal < 0 || ordinal > MAX_STANDBYS) {
      throw new dev.toygres.controlplane.InvalidRequestException(
          "replicas", "server ordinal must be 0 to " + MAX_STANDBYS + ", was " + ordinal);
    }
  }

  private static void requireNotPrimary(Topology t, String k8sName, int ordinal) {
    if (t.isPrimary(ordinal)) {
      throw new dev.toygres.controlplane.InvalidRequestException(
          "replicas", "server " + ordinal + " is the primary of '" + k8sName + "', not a standby");
    }
  }

  /**
   * Lists the instance directories on disk, including ones whose provisioning did not finish (so
   * that they can be cleaned up with {@link #deprovision(String)}).
   *
   * @return the k8s names, sorted
   */
  public List<String> provisioned() {
    return InstanceNames.list(root);
  }

  /**
   * Returns the directory holding one directory per instance.
   *
   * @return the absolute instances root
   */
  public Path instancesRoot() {
    return root;
  }

  /**
   * Returns the directory holding the instances' socket directories.
   *
   * @return {@code /tmp/toygres-<hash of the instances root>}
   */
  public Path socketRoot() {
    return layout.socketRoot();
  }

  /**
   * Returns the directory that holds the socket directories of the instances under {@code
   * instancesRoot}, whether or not a data plane runs on it (for clean-ups).
   *
   * @param instancesRoot an instances root
   * @return {@code /tmp/toygres-<hash of the instances root>}
   */
  public static Path socketRootOf(Path instancesRoot) {
    return InstanceLayout.socketRootOf(instancesRoot.toAbsolutePath().normalize());
  }

  /**
   * The directory of instance {@code k8sName}: in the instances root, or, for an instance made
   * before tenant isolation and not upgraded yet, in the legacy root.
   */
  private InstanceDir dir(String k8sName) {
    InstanceDir dir = InstanceNames.dir(root, k8sName);
    if (legacyRoot != null && !java.nio.file.Files.exists(dir.path())) {
      InstanceDir old = InstanceNames.dir(legacyRoot, k8sName);
      if (java.nio.file.Files.exists(old.path())) {
        return old;
      }
    }
    return dir;
  }

  /** Moves a stopped instance's directory from the legacy root into the instances root. */
  private InstanceDir moveIntoRoot(InstanceDir dir, String k8sName) {
    InstanceDir target = InstanceNames.dir(root, k8sName);
    if (dir.path().equals(target.path())) {
      return dir;
    }
    layout.prepare(target);
    target.delete();
    dir.moveTo(target.path());
    LOG.info("Moved instance '{}' from {} to {}", k8sName, dir.path(), target.path());
    return target;
  }

  private ServerInfo startLocked(InstanceDir dir, InstanceMetadata meta) {
    Topology t = Topology.read(dir, meta);
    Server p = t.primary();
    if (t.isFenced(p.ordinal())) {
      throw new StateConflictException(
          meta.name(),
          "fenced",
          "start",
          "Instance '"
              + meta.name()
              + "' cannot start: its primary is fenced: a failover or switchover is under way");
    }
    Optional<PostgresServer> running = InstanceServers.running(p.dir());
    if (running.isPresent()) {
      if (meta.upgraded()) {
        startStandbys(t, versions.forExisting(meta.name(), meta.majorVersion()));
      }
      return info(p.dir(), p.metadata(), running.get().pid());
    }
    if (!meta.upgraded()) {
      throw new StateConflictException(
          meta.name(),
          "waiting for its access upgrade",
          "start",
          "Instance '"
              + meta.name()
              + "' was created before tenant isolation; it starts through its access upgrade");
    }
    p.dir().requireCluster(p.name());
    archiving.ensure(p.dir().dataDir(), meta.name(), meta.majorVersion());
    HbaFile.write(p.dir().dataDir(), HbaFile.MANAGED, layout.runAs());
    PostgresInstallation inst = versions.forExisting(meta.name(), meta.majorVersion());
    PostgresServer server = InstanceServers.start(p.dir(), p.metadata(), inst, layout, null);
    LOG.info(
        "Started instance '{}' (server {}) on port {}, pid {}",
        meta.name(),
        p.ordinal(),
        p.metadata().port(),
        server.pid());
    startStandbys(t, inst);
    return info(p.dir(), p.metadata(), server.pid());
  }

  /**
   * Starts every standby that may run: not fenced, not removed, and a standby on disk ({@code
   * standby.signal}), so that a former primary never starts as a second primary.
   */
  private void startStandbys(Topology t, PostgresInstallation inst) {
    for (Server s : t.others()) {
      if (t.isFenced(s.ordinal()) || !s.dir().hasCluster()) {
        continue;
      }
      if (!java.nio.file.Files.exists(s.dir().dataDir().resolve("standby.signal"))) {
        LOG.warn(
            "Server {} ({}) is not the primary but has no standby.signal: not starting it",
            s.ordinal(),
            s.name());
        continue;
      }
      if (InstanceServers.running(s.dir()).isEmpty()) {
        archiving.ensure(
            s.dir().dataDir(), t.dir().path().getFileName().toString(), inst.majorVersion());
      }
      standbys.start(s, inst);
    }
  }

  private ServerInfo info(InstanceDir dir, InstanceMetadata meta, Long pid) {
    String version =
        versions
            .find(meta.majorVersion())
            .map(PostgresInstallation::version)
            .orElse(String.valueOf(meta.majorVersion()));
    return new ServerInfo(
        PostgresServer.HOST,
        meta.port(),
        dir.dataDir(),
        layout.socketDir(meta.name()),
        pid,
        version);
  }
}
