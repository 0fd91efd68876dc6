package dev.toygres.controlplane.dataplane;

import dev.toygres.controlplane.backupstore.BackupStore;
import dev.toygres.controlplane.backupstore.BackupStoreException;
import dev.toygres.postgres.OsUser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Continuous WAL archiving of every server of an instance into the backup store: {@code
 * archive_mode = on}, {@code archive_timeout = 60s} and the store's {@code archive_command} for the
 * instance (not the server: after a failover the new primary archives into the same place), kept in
 * the server's {@code postgresql.auto.conf}. {@code archive_mode} takes effect at a server's start,
 * so a server running without it archives from its next start.
 */
final class Archiving {
  private static final Logger LOG = LoggerFactory.getLogger(Archiving.class);
  static final String TIMEOUT = "60s";

  private final BackupStore store;
  private final OsUser owner;

  Archiving(BackupStore store, OsUser owner) {
    this.store = store;
    this.owner = owner;
  }

  BackupStore store() {
    return store;
  }

  /** The archiving settings of the servers of instance {@code k8sName}. */
  Map<String, String> settings(String k8sName) {
    return Map.of(
        "archive_mode",
        "on",
        "archive_timeout",
        TIMEOUT,
        "archive_command",
        store.archiveCommand(k8sName));
  }

  /**
   * Makes the instance's WAL archive in the store.
   *
   * @throws DataPlaneException if the servers' OS user cannot reach it
   */
  void prepare(String k8sName, int majorVersion, String systemIdentifier) {
    try {
      store.prepareInstance(k8sName, majorVersion, systemIdentifier);
    } catch (BackupStoreException e) {
      throw new DataPlaneException(k8sName, "prepare its WAL archive", e.getMessage(), e);
    }
  }

  /**
   * Writes the archiving settings of instance {@code k8sName} into the data directory {@code
   * dataDir} of a stopped server, unless they are there already.
   */
  void ensure(Path dataDir, String k8sName, int majorVersion) {
    if (!Files.isRegularFile(dataDir.resolve("PG_VERSION"))) {
      return;
    }
    try {
      String command = store.archiveCommand(k8sName);
      if (AutoConf.value(dataDir, "archive_command").filter(command::equals).isPresent()
          && AutoConf.value(dataDir, "archive_mode").filter("on"::equals).isPresent()) {
        return;
      }
      prepare(k8sName, majorVersion, null);
      AutoConf.setArchiving(dataDir, settings(k8sName), owner);
      LOG.info("Server in {} archives its WAL into {} from this start", dataDir, store.location());
    } catch (IOException e) {
      throw new DataPlaneException(
          k8sName, "configure WAL archiving", "Cannot write archiving settings: " + e, e);
    }
  }

  /** Writes the archiving settings of instance {@code k8sName} into {@code dataDir}. */
  void write(Path dataDir, String k8sName) {
    try {
      AutoConf.setArchiving(dataDir, settings(k8sName), owner);
    } catch (IOException e) {
      throw new DataPlaneException(
          k8sName, "configure WAL archiving", "Cannot write archiving settings: " + e, e);
    }
  }

  /**
   * Empties the WAL archive of an instance that is being made again (an attempt that did not finish
   * may have archived WAL that the new cluster would collide with), unless the store holds base
   * backups of it.
   */
  void dropLeftoverWal(String k8sName) {
    if (!store.manifests(k8sName).isEmpty()) {
      return;
    }
    for (String f : store.walFiles(k8sName)) {
      store.removeWal(k8sName, f);
    }
  }
}
