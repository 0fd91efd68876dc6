package dev.toygres.controlplane.dataplane;

import dev.toygres.controlplane.InvalidRequestException;
import dev.toygres.controlplane.NotFoundException;
import dev.toygres.controlplane.backupstore.BackupFile;
import dev.toygres.controlplane.backupstore.BackupManifest;
import dev.toygres.controlplane.backupstore.BackupStore;
import dev.toygres.controlplane.backupstore.FileHashes;
import dev.toygres.postgres.PostgresInstallation;
import dev.toygres.postgres.PostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a new instance from a base backup in the store and the archived WAL of its instance: a
 * checked copy of the backup's files, its backup label, {@code recovery.signal}, the recovery and
 * archiving settings, a start with a pg_hba.conf that trusts only the socket, a wait until recovery
 * promoted the server, then the new instance's roles and the managed pg_hba.conf. The caller holds
 * the instance's lock; any failure leaves no server running and no instance directory.
 */
final class Restorer {
  private static final Logger LOG = LoggerFactory.getLogger(Restorer.class);

  /** As PostgreSQL reads a timestamptz setting (it refuses ISO 8601's {@code T}). */
  private static final java.time.format.DateTimeFormatter TARGET_TIME =
      java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSxxx")
          .withZone(java.time.ZoneOffset.UTC);

  private final PortAllocator ports;
  private final InstanceLayout layout;
  private final Archiving archiving;

  Restorer(PortAllocator ports, InstanceLayout layout, Archiving archiving) {
    this.ports = ports;
    this.layout = layout;
    this.archiving = archiving;
  }

  /** The manifest of the source's backup, checked against the spec and the source's target. */
  BackupManifest check(ProvisionSpec spec, RestoreSource source) {
    BackupManifest m =
        archiving
            .store()
            .manifest(source.k8sName(), source.backupId())
            .orElseThrow(
                () ->
                    new NotFoundException(
                        "backup",
                        source.backupId(),
                        "No finished base backup '"
                            + source.backupId()
                            + "' of instance '"
                            + source.k8sName()
                            + "' in "
                            + archiving.store().location()));
    if (m.majorVersion() != spec.majorVersion()) {
      throw new InvalidRequestException(
          "version",
          "Backup "
              + m.backupId()
              + " holds PostgreSQL "
              + m.majorVersion()
              + " files; it cannot be restored as PostgreSQL "
              + spec.majorVersion());
    }
    if (source.toLsn() != null && Lsn.parse(source.toLsn()) < Lsn.parse(m.endLsn())) {
      throw new InvalidRequestException(
          "to_lsn",
          "LSN "
              + source.toLsn()
              + " is before the end of backup "
              + m.backupId()
              + " ("
              + m.endLsn()
              + "), the earliest point it restores to");
    }
    if (source.toTime() != null && source.toTime().isBefore(Instant.parse(m.finishedAt()))) {
      throw new InvalidRequestException(
          "to_time",
          "Time "
              + source.toTime()
              + " is before the end of backup "
              + m.backupId()
              + " ("
              + m.finishedAt()
              + "), the earliest point it restores to");
    }
    return m;
  }

  Provisioner.Provisioned restore(
      InstanceDir dir,
      ProvisionSpec spec,
      RestoreSource source,
      BackupManifest m,
      PostgresInstallation inst) {
    String name = spec.k8sName();
    InstanceServers.stop(dir, name);
    dir.deleteDataDir();
    archiving.prepare(name, m.majorVersion(), null);
    archiving.dropLeftoverWal(name);
    InstanceMetadata meta = ports.allocate(name, port -> Provisioner.reserve(dir, spec, port));
    try {
      copy(archiving.store(), m, dir.dataDir());
      configure(dir.dataDir(), name, source, m);
      HbaFile.write(dir.dataDir(), HbaFile.UPGRADING, layout.runAs());
      Files.deleteIfExists(dir.logFile());
      PostgresServer server = Recovery.start(dir, meta, inst, layout, source);
      Recovery.awaitPromoted(dir, meta, layout, source);
      Recovery.secure(dir, meta, layout, spec, m);
      AutoConf.setRecovery(dir.dataDir(), Map.of(), layout.runAs());
      HbaFile.write(dir.dataDir(), HbaFile.MANAGED, layout.runAs());
      InstanceServers.reload(dir, name);
      archiving.prepare(name, m.majorVersion(), Provisioner.systemIdentifier(dir));
      InstanceMetadata done = meta.asInitialized();
      dir.writeMetadata(done);
      LOG.info(
          "Restored instance '{}' from backup {} of '{}'{} on 127.0.0.1:{}, pid {}",
          name,
          m.backupId(),
          source.k8sName(),
          source.toTime() != null
              ? " to " + source.toTime()
              : source.toLsn() != null ? " to LSN " + source.toLsn() : "",
          meta.port(),
          server.pid());
      return new Provisioner.Provisioned(done, server);
    } catch (IOException e) {
      wipe(dir, name);
      throw new DataPlaneException(name, "restore", "Cannot restore '" + name + "': " + e, e);
    } catch (RuntimeException e) {
      wipe(dir, name);
      throw e;
    }
  }

  private void wipe(InstanceDir dir, String name) {
    try {
      InstanceServers.stop(dir, name);
    } finally {
      dir.delete();
      layout.removeSocketDir(name);
      if (archiving.store().manifests(name).isEmpty()) {
        archiving.store().purge(name);
      }
    }
  }

  /**
   * Copies the backup's files into {@code target}, checking each one's size and SHA-256 against the
   * manifest while copying.
   *
   * @throws InvalidRequestException naming the first file that differs
   */
  private void copy(BackupStore store, BackupManifest m, Path target) throws IOException {
    Path from = store.baseDir(m.k8sName(), m.backupId()).resolve("data");
    try (Stream<Path> dirs = Files.walk(from)) {
      for (Path d : dirs.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
        directory(target.resolve(FileHashes.relative(from, d)));
      }
    }
    for (BackupFile f : m.files()) {
      Path to = target.resolve(f.path());
      directory(to.getParent());
      String sha;
      try {
        sha = FileHashes.copy(from.resolve(f.path()), to);
      } catch (NoSuchFileException e) {
        throw corrupted(m, f, "missing");
      }
      if (Files.size(to) != f.size()) {
        throw corrupted(m, f, "size " + Files.size(to) + " instead of " + f.size());
      }
      if (!sha.equals(f.sha256())) {
        throw corrupted(m, f, "SHA-256 differs");
      }
      own(to, "rw-------");
    }
  }

  private static InvalidRequestException corrupted(BackupManifest m, BackupFile f, String what) {
    return new InvalidRequestException(
        "restore",
        "Backup "
            + m.backupId()
            + " of '"
            + m.k8sName()
            + "' is damaged: data/"
            + f.path()
            + ": "
            + what
            + "; restore from another backup");
  }

  /** The backup label, recovery.signal, and the recovery and archiving settings. */
  private void configure(Path data, String name, RestoreSource source, BackupManifest m)
      throws IOException {
    Path base = archiving.store().baseDir(m.k8sName(), m.backupId());
    BaseBackup.write(
        data.resolve("backup_label"),
        Files.readString(base.resolve("backup_label")),
        layout.runAs());
    if (Files.exists(base.resolve("tablespace_map"))) {
      BaseBackup.write(
          data.resolve("tablespace_map"),
          Files.readString(base.resolve("tablespace_map")),
          layout.runAs());
    }
    BaseBackup.write(data.resolve("recovery.signal"), "", layout.runAs());
    AutoConf.clearStandby(data, layout.runAs());
    AutoConf.remove(data, java.util.Set.of("synchronous_standby_names"), layout.runAs());
    archiving.write(data, name);
    Map<String, String> recovery = new HashMap<>();
    recovery.put("restore_command", archiving.store().restoreCommand(source.k8sName()));
    recovery.put("recovery_target_timeline", "latest");
    if (source.toTime() != null) {
      recovery.put("recovery_target_time", TARGET_TIME.format(source.toTime()));
    }
    if (source.toLsn() != null) {
      recovery.put("recovery_target_lsn", source.toLsn());
    }
    if (source.toTime() != null || source.toLsn() != null) {
      recovery.put("recovery_target_action", "promote");
    }
    AutoConf.setRecovery(data, recovery, layout.runAs());
  }

  private void directory(Path d) throws IOException {
    if (!Files.isDirectory(d)) {
      Files.createDirectories(d);
    }
    own(d, "rwx------");
  }

  private void own(Path p, String mode) throws IOException {
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    if (layout.runAs() != null) {
      Files.setAttribute(p, "unix:uid", layout.runAs().uid(), LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(p, "unix:gid", layout.runAs().gid(), LinkOption.NOFOLLOW_LINKS);
    }
  }
}
