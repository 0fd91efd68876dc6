package dev.toygres.controlplane.dataplane;

import dev.toygres.controlplane.NotFoundException;
import dev.toygres.controlplane.backupstore.BackupManifest;
import dev.toygres.controlplane.backupstore.BackupStore;
import dev.toygres.controlplane.backupstore.FileHashes;
import dev.toygres.controlplane.backupstore.WalNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the local data plane does with the base backups in the store: verification (against the
 * manifest, and by a scratch restore) and pruning of the WAL archive.
 */
final class BackupChecks {
  private static final Logger LOG = LoggerFactory.getLogger(BackupChecks.class);

  private final Path root;
  private final InstanceLayout layout;
  private final VersionCatalog versions;
  private final BackupStore store;
  private final Restorer restorer;

  BackupChecks(
      Path root,
      InstanceLayout layout,
      VersionCatalog versions,
      BackupStore store,
      Restorer restorer) {
    this.root = root;
    this.layout = layout;
    this.versions = versions;
    this.store = store;
    this.restorer = restorer;
  }

  List<String> verify(String k8sName, String backupId) {
    BackupManifest m = requireBackup(k8sName, backupId);
    Path base = store.baseDir(k8sName, backupId);
    try {
      List<String> problems =
          new ArrayList<>(FileHashes.problems(base.resolve("data"), m.files(), "data/"));
      if (!Files.isRegularFile(base.resolve("backup_label"))) {
        problems.add("backup_label: missing");
      }
      for (String wal : List.of(m.startWalFile(), m.endWalFile())) {
        if (!store.hasWal(k8sName, wal)) {
          problems.add("wal/" + wal + ": missing from the archive (the backup needs it)");
        }
      }
      return problems.stream().distinct().toList();
    } catch (IOException e) {
      throw new DataPlaneException(
          k8sName, "verify backup", "Cannot read backup " + backupId + ": " + e, e);
    }
  }

  List<String> verifyByRestore(String k8sName, String backupId) {
    List<String> problems = verify(k8sName, backupId);
    if (!problems.isEmpty()) {
      return problems;
    }
    BackupManifest m = requireBackup(k8sName, backupId);
    String scratch =
        "check-"
            + Integer.toHexString((k8sName + "/" + backupId).hashCode() & 0x7fffffff)
            + "-"
            + Long.toHexString(System.nanoTime() & 0xffffff);
    InstanceDir dir = InstanceNames.dir(root, scratch);
    ProvisionSpec spec =
        new ProvisionSpec(
            scratch,
            m.majorVersion(),
            m.tenantUser() != null ? m.tenantUser() : ControlRoles.DEFAULT_TENANT,
            ControlSecrets.randomPassword(),
            ControlSecrets.generate(),
            1);
    synchronized (InstanceNames.lock(dir)) {
      try {
        layout.prepare(dir);
        restorer.restore(
            dir,
            spec,
            new RestoreSource(k8sName, backupId, null, m.endLsn()),
            m,
            versions.require(m.majorVersion()));
        return List.of();
      } catch (dev.toygres.controlplane.ToygresException e) {
        return List.of("restore: " + e.getMessage());
      } finally {
        InstanceServers.stop(dir, scratch);
        dir.delete();
        layout.removeSocketDir(scratch);
        store.purge(scratch);
      }
    }
  }

  int prune(String k8sName, String oldestKeptBackupId) {
    String keepFrom = WalNames.position(requireBackup(k8sName, oldestKeptBackupId).startWalFile());
    int removed = 0;
    for (String f : store.walFiles(k8sName)) {
      if (!WalNames.isHistory(f) && WalNames.position(f).compareTo(keepFrom) < 0) {
        store.removeWal(k8sName, f);
        removed++;
      }
    }
    LOG.info("Pruned {} archived WAL files of '{}' older than {}", removed, k8sName, keepFrom);
    return removed;
  }

  BackupManifest requireBackup(String k8sName, String backupId) {
    return store
        .manifest(k8sName, backupId)
        .orElseThrow(
            () ->
                new NotFoundException(
                    "backup",
                    backupId,
                    "No finished base backup '" + backupId + "' of instance '" + k8sName + "'"));
  }
}
