package dev.toygres.controlplane.dataplane;

import dev.toygres.controlplane.StateConflictException;
import dev.toygres.controlplane.backupstore.BackupFile;
import dev.toygres.controlplane.backupstore.BackupManifest;
import dev.toygres.controlplane.backupstore.BackupStore;
import dev.toygres.controlplane.backupstore.FileHashes;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a base backup of an instance's current primary into the backup store: a {@link BaseBackup}
 * copy into {@code data/}, the backup label and tablespace map beside it, every file's size and
 * SHA-256, a WAL switch, a wait until the archive holds the segment of the backup's end, then the
 * manifest. The caller holds the instance's lock.
 */
final class BackupTaker {
  private static final Logger LOG = LoggerFactory.getLogger(BackupTaker.class);
  static final Duration ARCHIVE_WAIT = Duration.ofSeconds(60);
  private static final Pattern START_WAL =
      Pattern.compile("START WAL LOCATION: \\S+ \\(file ([0-9A-F]{24})\\)");
  private static final Pattern START_TIMELINE = Pattern.compile("START TIMELINE: (\\d+)");

  private final InstanceLayout layout;
  private final Archiving archiving;

  BackupTaker(InstanceLayout layout, Archiving archiving) {
    this.layout = layout;
    this.archiving = archiving;
  }

  BackupResult take(Topology t, String k8sName, String backupId, ControlSecrets secrets) {
    BackupStore store = archiving.store();
    Optional<BackupManifest> done = store.manifest(k8sName, backupId);
    if (done.isPresent()) {
      return result(store, done.get());
    }
    Server p = t.primary();
    if (InstanceServers.running(p.dir()).isEmpty()) {
      throw new StateConflictException(
          k8sName,
          "stopped",
          "backup",
          "Instance '" + k8sName + "' is not running; start it to back it up");
    }
    int major = p.metadata().majorVersion();
    try (Connection c = WalSwitch.superuser(layout, p, secrets)) {
      requireArchiving(c, p, k8sName, major);
      archiving.prepare(k8sName, major, Provisioner.systemIdentifier(p.dir()));
      Path dir = store.openBase(k8sName, backupId);
      Instant started = Instant.now();
      BaseBackup.Taken taken =
          BaseBackup.copy(
              c, p.dir().dataDir(), dir.resolve("data"), "toygres backup " + backupId, null);
      Instant finished = Instant.now();
      BaseBackup.write(dir.resolve("backup_label"), taken.labelFile(), null);
      if (taken.tablespaceMap() != null && !taken.tablespaceMap().isEmpty()) {
        BaseBackup.write(dir.resolve("tablespace_map"), taken.tablespaceMap(), null);
      }
      List<BackupFile> files = FileHashes.list(dir.resolve("data"));
      String endWal = walFileName(c, taken.endLsn());
      WalSwitch.execute(c);
      awaitArchived(store, k8sName, endWal);
      BackupManifest m =
          new BackupManifest(
              backupId,
              k8sName,
              major,
              p.metadata().tenant(),
              taken.startLsn(),
              taken.endLsn(),
              Integer.parseInt(group(START_TIMELINE, taken.labelFile(), "1")),
              group(START_WAL, taken.labelFile(), endWal),
              endWal,
              started.toString(),
              finished.toString(),
              files);
      store.finishBase(m);
      LOG.info(
          "Base backup {} of '{}': {} files, {} bytes, LSN {} to {}, in {}",
          backupId,
          k8sName,
          files.size(),
          m.sizeBytes(),
          m.startLsn(),
          m.endLsn(),
          dir);
      return result(store, m);
    } catch (SQLException | IOException e) {
      throw new DataPlaneException(
          k8sName,
          "backup",
          "Cannot take base backup " + backupId + " of '" + k8sName + "': " + e,
          e);
    }
  }

  /** What {@link DataPlane#storedBackups} reports for a manifest. */
  static BackupResult result(BackupStore store, BackupManifest m) {
    return new BackupResult(
        m.backupId(),
        m.k8sName(),
        m.majorVersion(),
        m.startLsn(),
        m.endLsn(),
        m.timeline(),
        Instant.parse(m.startedAt()),
        Instant.parse(m.finishedAt()),
        m.sizeBytes(),
        m.files().size(),
        store.baseDir(m.k8sName(), m.backupId()).toString());
  }

  /**
   * Checks that the primary archives into the store; writes the settings when they are missing. A
   * changed {@code archive_command} is reloaded; {@code archive_mode} off needs a restart: a {@link
   * StateConflictException}.
   */
  private void requireArchiving(Connection c, Server p, String k8sName, int major)
      throws SQLException {
    String mode;
    String command;
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT current_setting('archive_mode'), current_setting('archive_command')");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      mode = rs.getString(1);
      command = rs.getString(2);
    }
    if (mode.equals("on") && command.equals(archiving.store().archiveCommand(k8sName))) {
      return;
    }
    archiving.ensure(p.dir().dataDir(), k8sName, major);
    if (!mode.equals("on")) {
      throw new StateConflictException(
          k8sName,
          "not archiving",
          "backup",
          "Instance '"
              + k8sName
              + "' was started before WAL archiving was configured; it archives from its next"
              + " start: restart it, then back it up");
    }
    InstanceRoles.execute(c, "SELECT pg_catalog.pg_reload_conf()");
  }

  static String walFileName(Connection c, String lsn) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT pg_catalog.pg_walfile_name(?::pg_lsn)")) {
      ps.setString(1, lsn);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  static void awaitArchived(BackupStore store, String k8sName, String wal) {
    Instant deadline = Instant.now().plus(ARCHIVE_WAIT);
    while (!store.hasWal(k8sName, wal)) {
      if (Instant.now().isAfter(deadline)) {
        throw new DataPlaneException(
            k8sName,
            "backup",
            "WAL segment "
                + wal
                + " was not archived into "
                + store.location()
                + " within "
                + ARCHIVE_WAIT.toSeconds()
                + " s: archive_command fails (see the server log and pg_stat_archiver)");
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DataPlaneException(k8sName, "backup", "Interrupted waiting for the archive");
      }
    }
  }

  private static String group(Pattern p, String text, String otherwise) {
    Matcher m = p.matcher(text);
    return m.find() ? m.group(1) : otherwise;
  }
}
