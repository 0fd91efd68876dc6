package dev.toygres.controlplane.dataplane;

import dev.toygres.postgres.OsUser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Set;

/**
 * A base backup of a running primary without {@code pg_basebackup} (which the Maven-delivered
 * binaries lack): the low-level API ({@code pg_backup_start} and {@code pg_backup_stop} on one
 * session, PostgreSQL 15 and newer) around a file copy of the primary's data directory made by this
 * process, which runs on the same host. What is skipped follows the PostgreSQL documentation
 * ("Making a Base Backup Using the Low Level API"): the contents of {@code pg_wal}, {@code
 * pg_replslot}, {@code pg_dynshmem}, {@code pg_notify}, {@code pg_serial}, {@code pg_snapshots},
 * {@code pg_stat_tmp} and {@code pg_subtrans}, {@code postmaster.pid}, {@code postmaster.opts},
 * {@code pgsql_tmp*} and {@code pg_internal.init}. The WAL the copy needs streams from the
 * standby's slot, reserved before the backup starts. Files vanishing or changing during the copy
 * are expected (replay makes them consistent).
 */
final class BaseBackup {
  private static final Set<String> EMPTIED =
      Set.of(
          "pg_wal",
          "pg_replslot",
          "pg_dynshmem",
          "pg_notify",
          "pg_serial",
          "pg_snapshots",
          "pg_stat_tmp",
          "pg_subtrans");
  private static final Set<String> SKIPPED_TOP =
      Set.of(
          "postmaster.pid",
          "postmaster.opts",
          "backup_label",
          "tablespace_map",
          "standby.signal",
          "recovery.signal",
          "backup_label.old",
          HbaFile.FILE + ".toygres-tmp");

  private BaseBackup() {}

  /**
   * Copies the primary's data directory {@code source} into the empty {@code target} between {@code
   * pg_backup_start} and {@code pg_backup_stop} on {@code superuser} (a session of the control
   * plane's superuser on the primary), and writes the backup label and tablespace map that {@code
   * pg_backup_stop} returns. Every file made belongs to {@code owner} (null: this process's user),
   * directories 0700, files 0600.
   */
  static void take(Connection superuser, Path source, Path target, String label, OsUser owner)
      throws SQLException, IOException {
    Taken t = copy(superuser, source, target, label, owner);
    write(target.resolve("backup_label"), t.labelFile(), owner);
    if (t.tablespaceMap() != null && !t.tablespaceMap().isEmpty()) {
      write(target.resolve("tablespace_map"), t.tablespaceMap(), owner);
    }
  }

  /**
   * What {@code pg_backup_start} and {@code pg_backup_stop} returned around a copy.
   *
   * @param startLsn where the backup's WAL starts
   * @param endLsn where a restore of it is consistent
   * @param labelFile the backup label
   * @param tablespaceMap the tablespace map (empty or null without tablespaces)
   */
  record Taken(String startLsn, String endLsn, String labelFile, String tablespaceMap) {}

  /**
   * As {@link #take}, but leaves writing the backup label and the tablespace map to the caller:
   * copies the data directory {@code source} into {@code target} between {@code pg_backup_start}
   * and {@code pg_backup_stop}.
   */
  static Taken copy(Connection superuser, Path source, Path target, String label, OsUser owner)
      throws SQLException, IOException {
    String startLsn;
    try (PreparedStatement ps =
            superuser.prepareStatement("SELECT pg_catalog.pg_backup_start(?, true)::text");
        ResultSet rs = bind(ps, label).executeQuery()) {
      rs.next();
      startLsn = rs.getString(1);
    }
    String labelFile;
    String spcMap;
    String endLsn;
    try {
      copy(source, target, owner);
    } finally {
      try (PreparedStatement ps =
              superuser.prepareStatement(
                  "SELECT lsn::text, labelfile, spcmapfile FROM pg_catalog.pg_backup_stop(false)");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        endLsn = rs.getString(1);
        labelFile = rs.getString(2);
        spcMap = rs.getString(3);
      }
    }
    return new Taken(startLsn, endLsn, labelFile, spcMap);
  }

  private static PreparedStatement bind(PreparedStatement ps, String label) throws SQLException {
    ps.setString(1, label);
    return ps;
  }

  /** Writes {@code content} as a new file (0600, owned by {@code owner}). */
  static void write(Path file, String content, OsUser owner) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, content, StandardCharsets.UTF_8);
    own(file, owner);
  }

  private static void copy(Path source, Path target, OsUser owner) throws IOException {
    Files.walkFileTree(
        source,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            Path to = target.resolve(source.relativize(dir).toString());
            Files.createDirectories(to);
            Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwx------"));
            own(to, owner);
            Path rel = source.relativize(dir);
            if (rel.getNameCount() == 1 && EMPTIED.contains(rel.toString())) {
              if (rel.toString().equals("pg_wal")) {
                Path status = to.resolve("archive_status");
                Files.createDirectories(status);
                Files.setPosixFilePermissions(status, PosixFilePermissions.fromString("rwx------"));
                own(status, owner);
              }
              return FileVisitResult.SKIP_SUBTREE;
            }
            if (dir.getFileName() != null && dir.getFileName().toString().startsWith("pgsql_tmp")) {
              return FileVisitResult.SKIP_SUBTREE;
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Path rel = source.relativize(file);
            String name = file.getFileName().toString();
            if ((rel.getNameCount() == 1 && SKIPPED_TOP.contains(name))
                || name.equals("pg_internal.init")
                || name.startsWith("pgsql_tmp")
                || !attrs.isRegularFile()) {
              return FileVisitResult.CONTINUE;
            }
            Path to = target.resolve(rel.toString());
            try {
              Files.copy(file, to, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException vanished) {
              return FileVisitResult.CONTINUE;
            }
            Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rw-------"));
            own(to, owner);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (e instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE;
            }
            throw e;
          }
        });
  }

  private static void own(Path p, OsUser owner) throws IOException {
    if (owner != null) {
      Files.setAttribute(p, "unix:uid", owner.uid(), LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(p, "unix:gid", owner.gid(), LinkOption.NOFOLLOW_LINKS);
    }
  }
}
