package dev.toygres.controlplane.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.toygres.controlplane.InvalidRequestException;
import dev.toygres.controlplane.backupstore.WalNames;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Base backups, WAL archiving and point-in-time restore by the local data plane, against real
 * PostgreSQL servers. Prints the measured durations and sizes ({@code MEASURED ...}); with {@code
 * -Dtoygres.backup.bigRows=4500000} also for a database of about 1 GB.
 */
class BackupDataPlaneIT extends DataPlaneTestSupport {

  private static final String NEW_USER = "owner2";
  private static final String NEW_PASSWORD = "n3w-Pa55word";

  @ParameterizedTest(name = "PostgreSQL {0}")
  @ValueSource(ints = {18, 17, 15})
  void restoresToATimeToAnLsnAndToTheLatestGiveTheRowsOfTheirTarget(int version) throws Exception {
    LocalDataPlane plane = plane();
    assumeTrue(plane.availableVersions().contains(version), "no PostgreSQL " + version);
    String src = "pitr" + version;
    ServerInfo source = provision(plane, src, version);
    Jdbc.execute(
        source,
        USER,
        PASSWORD,
        "CREATE TABLE t (v int)",
        "INSERT INTO t SELECT generate_series(1, 100)");

    long t0 = System.nanoTime();
    BackupResult backup = plane.takeBaseBackup(src, "b1", SECRETS);
    long backupMillis = (System.nanoTime() - t0) / 1_000_000;
    assertThat(backup.backupId()).isEqualTo("b1");
    assertThat(backup.majorVersion()).isEqualTo(version);
    assertThat(backup.timeline()).isEqualTo(1);
    assertThat(Lsn.parse(backup.endLsn())).isGreaterThan(Lsn.parse(backup.startLsn()));
    assertThat(backup.sizeBytes()).isPositive();
    assertThat(plane.storedBackups(src)).containsExactly(backup);
    assertThat(plane.takeBaseBackup(src, "b1", SECRETS)).isEqualTo(backup);
    assertThat(plane.verifyBackup(src, "b1")).isEmpty();

    Jdbc.execute(source, USER, PASSWORD, "INSERT INTO t SELECT generate_series(101, 200)");
    Instant time = Instant.parse(Jdbc.query(source, USER, PASSWORD, TIME_NOW));
    Jdbc.execute(source, USER, PASSWORD, "INSERT INTO t SELECT generate_series(201, 300)");
    String lsn = Jdbc.query(source, USER, PASSWORD, "SELECT pg_current_wal_lsn()::text");
    Jdbc.execute(source, USER, PASSWORD, "DROP TABLE t");
    plane.archiveWalNow(src, SECRETS);

    ControlSecrets secrets = ControlSecrets.generate();
    t0 = System.nanoTime();
    ServerInfo atTime = restore(plane, "at-time" + version, version, src, time, null, secrets);
    long restoreMillis = (System.nanoTime() - t0) / 1_000_000;
    assertThat(Jdbc.query(atTime, NEW_USER, NEW_PASSWORD, "SELECT count(*) FROM t"))
        .isEqualTo("200");
    assertThat(atTime.port()).isNotEqualTo(source.port());
    assertThat(Jdbc.query(atTime, NEW_USER, NEW_PASSWORD, "SELECT pg_is_in_recovery()::text"))
        .isEqualTo("false");
    assertThat(
            Jdbc.query(
                atTime,
                NEW_USER,
                NEW_PASSWORD,
                "SELECT tableowner FROM pg_tables WHERE tablename = 't'"))
        .isEqualTo(NEW_USER);
    assertThatThrownBy(() -> Jdbc.query(atTime, USER, PASSWORD, "SELECT 1"))
        .isInstanceOf(java.sql.SQLException.class);
    assertControlRolesWork(plane, "at-time" + version, atTime, secrets);
    assertArchivesItsOwnWal(plane, "at-time" + version, atTime, secrets);

    ServerInfo atLsn = restore(plane, "at-lsn" + version, version, src, null, lsn, secrets);
    assertThat(Jdbc.query(atLsn, NEW_USER, NEW_PASSWORD, "SELECT count(*) FROM t"))
        .isEqualTo("300");

    ServerInfo latest = restore(plane, "latest" + version, version, src, null, null, secrets);
    assertThat(Jdbc.query(latest, NEW_USER, NEW_PASSWORD, "SELECT to_regclass('t')::text"))
        .isNull();

    System.out.printf(
        "MEASURED PostgreSQL %d fresh instance: base backup %d ms (%d bytes, %d files),"
            + " restore to a time %d ms%n",
        version, backupMillis, backup.sizeBytes(), backup.files(), restoreMillis);
  }

  @Test
  void afterAFailoverTheNewPrimaryArchivesIntoTheSameArchiveAndIsTheOneBackedUp() throws Exception {
    LocalDataPlane plane = plane();
    ServerInfo first = provision(plane, "moved", 18);
    Jdbc.execute(first, USER, PASSWORD, "CREATE TABLE t AS SELECT generate_series(1, 100) v");
    plane.takeBaseBackup("moved", "before", SECRETS);
    Member standby = track(plane.provisionStandby("moved", 1, SECRETS));
    awaitCount(standby, "SELECT count(*) FROM t", 100);
    plane.fence("moved", 0);
    Member promoted = track(plane.promote("moved", 1, List.of(), SECRETS));
    Jdbc.execute(
        new ServerInfo(promoted.host(), promoted.port(), null, null, promoted.pid(), "18"),
        USER,
        PASSWORD,
        "INSERT INTO t SELECT generate_series(101, 200)");

    plane.archiveWalNow("moved", SECRETS);
    Instant deadline = Instant.now().plusSeconds(30);
    while (plane.store().walFiles("moved").stream()
            .noneMatch(f -> f.startsWith("00000002") && !WalNames.isHistory(f))
        && Instant.now().isBefore(deadline)) {
      Thread.sleep(100);
    }
    assertThat(plane.store().walFiles("moved"))
        .contains("00000002.history")
        .anyMatch(f -> f.startsWith("00000002") && !WalNames.isHistory(f));
    BackupResult after = plane.takeBaseBackup("moved", "after", SECRETS);
    assertThat(after.timeline()).isEqualTo(2);

    // The backup from before the failover replays across the timeline switch.
    ServerInfo restored = restore(plane, "across", 18, "moved", null, null, SECRETS);
    assertThat(Jdbc.query(restored, NEW_USER, NEW_PASSWORD, "SELECT count(*) FROM t"))
        .isEqualTo("200");
  }

  @Test
  void aRestoreWorksAfterTheSourceInstanceWasDeprovisioned() throws Exception {
    LocalDataPlane plane = plane();
    ServerInfo source = provision(plane, "gone", 18);
    Jdbc.execute(source, USER, PASSWORD, "CREATE TABLE t AS SELECT generate_series(1, 100) v");
    plane.takeBaseBackup("gone", "b1", SECRETS);
    Jdbc.execute(source, USER, PASSWORD, "INSERT INTO t SELECT generate_series(101, 200)");
    plane.archiveWalNow("gone", SECRETS);
    plane.deprovision("gone");
    assertThat(plane.status("gone")).isEmpty();

    ServerInfo restored = restore(plane, "reborn", 18, "gone", null, null, SECRETS);

    assertThat(Jdbc.query(restored, NEW_USER, NEW_PASSWORD, "SELECT count(*) FROM t"))
        .isEqualTo("200");
    assertThat(plane.storedBackups("gone")).hasSize(1);
  }

  @Test
  void aRestoreThatStoppedBeforeItFinishedIsMadeAgainFromScratch() throws Exception {
    LocalDataPlane plane = plane();
    ServerInfo source = provision(plane, "again", 18);
    Jdbc.execute(source, USER, PASSWORD, "CREATE TABLE t AS SELECT generate_series(1, 100) v");
    plane.takeBaseBackup("again", "b1", SECRETS);
    ServerInfo first = restore(plane, "redo", 18, "again", null, null, SECRETS);
    plane.archiveWalNow("redo", SECRETS);
    // As if the control plane died before marking it initialized: its server still runs, and its
    // new timeline's WAL is in the archive.
    InstanceDir dir = new InstanceDir(tmp.resolve("instances/redo"));
    InstanceMetadata m = dir.readMetadata().orElseThrow();
    dir.writeMetadata(
        new InstanceMetadata(
            m.name(),
            m.majorVersion(),
            m.port(),
            m.adminUser(),
            false,
            m.createdAt(),
            m.tenantUser(),
            m.accessVersion()));
    assertThat(plane.store().walFiles("redo")).isNotEmpty();

    ControlSecrets other = ControlSecrets.generate();
    ServerInfo second = restore(plane, "redo", 18, "again", null, null, other);

    assertThat(second.pid()).isNotEqualTo(first.pid());
    assertThat(alive(first.pid())).isFalse();
    assertThat(Jdbc.query(second, NEW_USER, NEW_PASSWORD, "SELECT count(*) FROM t"))
        .isEqualTo("100");
    assertArchivesItsOwnWal(plane, "redo", second, other);
    assertThat(restore(plane, "redo", 18, "again", null, null, other).pid())
        .isEqualTo(second.pid());
  }

  @Test
  void aBackupIsVerifiedByARestoreThatLeavesNothingBehindAndOneThatCannotStartIsReported()
      throws Exception {
    LocalDataPlane plane = plane();
    ServerInfo source = provision(plane, "check", 17);
    Jdbc.execute(source, USER, PASSWORD, "CREATE TABLE t AS SELECT generate_series(1, 100) v");
    plane.takeBaseBackup("check", "b1", SECRETS);

    assertThat(plane.verifyBackupByRestore("check", "b1")).isEmpty();
    assertThat(plane.provisioned()).containsExactly("check");
    try (Stream<Path> stored = Files.list(tmp.resolve("backups/instances"))) {
      assertThat(stored.map(p -> p.getFileName().toString())).containsExactly("check");
    }

    // The label is not in the manifest: only a restore finds that it is wrong.
    Path label = plane.store().baseDir("check", "b1").resolve("backup_label");
    Files.writeString(
        label,
        Files.readString(label)
            .replaceAll("START WAL LOCATION: \\S+", "START WAL LOCATION: 7F/7F000028")
            .replaceAll("CHECKPOINT LOCATION: \\S+", "CHECKPOINT LOCATION: 7F/7F000060"));
    assertThat(plane.verifyBackup("check", "b1")).isEmpty();
    assertThat(plane.verifyBackupByRestore("check", "b1"))
        .singleElement()
        .asString()
        .startsWith("restore: ");
    assertThat(plane.provisioned()).containsExactly("check");
  }

  @Test
  void aCorruptedBackupIsReportedByVerificationAndRefusedByRestoreLeavingNothingBehind()
      throws Exception {
    LocalDataPlane plane = plane();
    ServerInfo source = provision(plane, "bitrot", 17);
    Jdbc.execute(source, USER, PASSWORD, "CREATE TABLE t AS SELECT generate_series(1, 1000) v");
    plane.takeBaseBackup("bitrot", "b1", SECRETS);
    Path data = plane.store().baseDir("bitrot", "b1").resolve("data");
    Path victim;
    try (Stream<Path> files = Files.walk(data.resolve("base"))) {
      victim =
          files
              .filter(Files::isRegularFile)
              .max(Comparator.comparingLong(p -> p.toFile().length()))
              .orElseThrow();
    }
    try (RandomAccessFile f = new RandomAccessFile(victim.toFile(), "rw")) {
      f.seek(100);
      int b = f.read();
      f.seek(100);
      f.write(b ^ 0x01);
    }
    String relative = "data/" + data.relativize(victim);

    assertThat(plane.verifyBackup("bitrot", "b1")).containsExactly(relative + ": SHA-256 differs");
    assertThatThrownBy(() -> restore(plane, "from-rot", 17, "bitrot", null, null, SECRETS))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining(relative)
        .hasMessageContaining("damaged");
    assertThat(tmp.resolve("instances/from-rot")).doesNotExist();
    assertThat(tmp.resolve("backups/instances/from-rot")).doesNotExist();
    assertThat(plane.status("from-rot")).isEmpty();
  }

  @Test
  void pruningKeepsTheWalTheOldestKeptBackupNeedsAndRemovesOlderSegments() throws Exception {
    LocalDataPlane plane = plane();
    ServerInfo source = provision(plane, "prune", 15);
    Jdbc.execute(source, USER, PASSWORD, "CREATE TABLE t AS SELECT generate_series(1, 100) v");
    plane.takeBaseBackup("prune", "b1", SECRETS);
    Jdbc.execute(source, USER, PASSWORD, "INSERT INTO t SELECT generate_series(101, 200)");
    plane.archiveWalNow("prune", SECRETS);
    BackupResult b2 = plane.takeBaseBackup("prune", "b2", SECRETS);
    Jdbc.execute(source, USER, PASSWORD, "INSERT INTO t SELECT generate_series(201, 300)");
    plane.archiveWalNow("prune", SECRETS);
    plane.store().openBase("prune", "unfinished");
    assertThat(plane.storedBackups("prune"))
        .extracting(BackupResult::backupId)
        .containsExactly("b1", "b2");

    String b2Start = plane.store().manifest("prune", "b2").orElseThrow().startWalFile();
    List<String> before = plane.store().walFiles("prune");
    int removed = plane.pruneArchive("prune", "b2");
    List<String> after = plane.store().walFiles("prune");

    // Segments archived meanwhile are in after but not in before.
    assertThat(removed)
        .isPositive()
        .isEqualTo(before.stream().filter(f -> !after.contains(f)).count());
    assertThat(after).contains(b2Start);
    assertThat(after)
        .allMatch(f -> WalNames.position(f).compareTo(WalNames.position(b2Start)) >= 0);
    assertThat(before.stream().filter(f -> !after.contains(f)))
        .allMatch(f -> WalNames.position(f).compareTo(WalNames.position(b2Start)) < 0);

    plane.deleteBackup("prune", "b1");
    assertThat(plane.store().baseDir("prune", "b1")).doesNotExist();
    assertThat(plane.storedBackups("prune")).containsExactly(b2);
    ServerInfo restored = restore(plane, "pruned", 15, "prune", null, null, SECRETS);
    assertThat(Jdbc.query(restored, NEW_USER, NEW_PASSWORD, "SELECT count(*) FROM t"))
        .isEqualTo("300");
  }

  @Test
  void targetsBeforeTheBackupOrBeyondTheArchiveAreInvalidAndLeaveNothingBehind() throws Exception {
    LocalDataPlane plane = plane();
    provision(plane, "bounds", 18);
    BackupResult b = plane.takeBaseBackup("bounds", "b1", SECRETS);

    assertThatThrownBy(
            () ->
                restore(
                    plane, "early", 18, "bounds", b.startedAt().minusSeconds(3600), null, SECRETS))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("before the end of backup b1");
    assertThatThrownBy(() -> restore(plane, "early", 18, "bounds", null, "0/1", SECRETS))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("before the end of backup b1");
    assertThatThrownBy(
            () ->
                restore(
                    plane, "late", 18, "bounds", Instant.now().plusSeconds(3600), null, SECRETS))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("archived WAL does not reach it");
    assertThat(tmp.resolve("instances/early")).doesNotExist();
    assertThat(tmp.resolve("instances/late")).doesNotExist();
  }

  @Test
  void measuresABackupAndARestoreOfABigDatabaseWhenAsked() throws Exception {
    String rows = System.getProperty("toygres.backup.bigRows");
    assumeTrue(rows != null, "set -Dtoygres.backup.bigRows=4500000 to measure about 1 GB");
    LocalDataPlane plane = plane();
    ServerInfo source = provision(plane, "big", 18);
    Jdbc.execute(
        source,
        USER,
        PASSWORD,
        "CREATE TABLE big AS SELECT g, repeat('x', 200) AS pad FROM generate_series(1, "
            + Long.parseLong(rows)
            + ") g");
    String dbSize =
        Jdbc.query(source, USER, PASSWORD, "SELECT pg_size_pretty(pg_database_size('postgres'))");
    long t0 = System.nanoTime();
    BackupResult b = plane.takeBaseBackup("big", "b1", SECRETS);
    long backupMillis = (System.nanoTime() - t0) / 1_000_000;
    t0 = System.nanoTime();
    List<String> problems = plane.verifyBackup("big", "b1");
    long verifyMillis = (System.nanoTime() - t0) / 1_000_000;
    assertThat(problems).isEmpty();
    Jdbc.execute(source, USER, PASSWORD, "UPDATE big SET pad = repeat('y', 200) WHERE g % 10 = 0");
    plane.archiveWalNow("big", SECRETS);
    String from =
        WalNames.position(plane.store().manifest("big", "b1").orElseThrow().startWalFile());
    long walBytes = 0;
    Path wal = plane.store().baseDir("big", "b1").getParent().getParent().resolve("wal");
    for (String f : plane.store().walFiles("big")) {
      if (!WalNames.isHistory(f) && WalNames.position(f).compareTo(from) >= 0) {
        walBytes += Files.size(wal.resolve(f));
      }
    }
    t0 = System.nanoTime();
    ServerInfo atEnd = restore(plane, "big-end", 18, "big", null, b.endLsn(), SECRETS);
    long atEndMillis = (System.nanoTime() - t0) / 1_000_000;
    assertThat(
            Jdbc.query(
                atEnd, NEW_USER, NEW_PASSWORD, "SELECT count(*) FROM big WHERE pad LIKE 'y%'"))
        .isEqualTo("0");
    plane.deprovision("big-end");
    t0 = System.nanoTime();
    ServerInfo restored = restore(plane, "big-copy", 18, "big", null, null, SECRETS);
    long restoreMillis = (System.nanoTime() - t0) / 1_000_000;
    assertThat(Jdbc.query(restored, NEW_USER, NEW_PASSWORD, "SELECT count(*) FROM big"))
        .isEqualTo(rows);
    assertThat(
            Jdbc.query(
                restored, NEW_USER, NEW_PASSWORD, "SELECT count(*) FROM big WHERE pad LIKE 'y%'"))
        .isEqualTo(String.valueOf(Long.parseLong(rows) / 10));
    System.out.printf(
        "MEASURED PostgreSQL 18 database of %s (%s rows): base backup %d ms (%d bytes, %d files),"
            + " verify %d ms, restore to the backup's end %d ms, restore to the latest"
            + " (replaying %d bytes of archived WAL written since the backup) %d ms%n",
        dbSize,
        rows,
        backupMillis,
        b.sizeBytes(),
        b.files(),
        verifyMillis,
        atEndMillis,
        walBytes,
        restoreMillis);
  }

  private static final String TIME_NOW =
      "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')";

  private ServerInfo restore(
      LocalDataPlane plane,
      String name,
      int version,
      String from,
      Instant toTime,
      String toLsn,
      ControlSecrets secrets) {
    return track(
        plane.restore(
            new ProvisionSpec(name, version, NEW_USER, NEW_PASSWORD, secrets, 1),
            new RestoreSource(from, plane.storedBackups(from).get(0).backupId(), toTime, toLsn)));
  }

  private static void assertControlRolesWork(
      LocalDataPlane plane, String name, ServerInfo info, ControlSecrets secrets) throws Exception {
    try (Connection c =
            InstanceConnections.open(
                info.socketDir(),
                info.port(),
                ControlRoles.DATABASE,
                ControlRoles.SUPERUSER,
                secrets.superuserPassword(),
                Duration.ofSeconds(10));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT current_setting('archive_command')")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo(plane.store().archiveCommand(name));
    }
    try (Connection c =
            InstanceConnections.asMonitor(
                info.socketDir(), info.port(), secrets.monitorPassword(), Duration.ofSeconds(10));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT 1")) {
      assertThat(rs.next()).isTrue();
    }
  }

  /**
   * After a WAL switch, a segment appears in the instance's own archive and the server's archiver
   * reports it archived without a failure (a clash with a leftover file of the same name fails).
   */
  private static void assertArchivesItsOwnWal(
      LocalDataPlane plane, String name, ServerInfo info, ControlSecrets secrets) throws Exception {
    plane.archiveWalNow(name, secrets);
    Instant deadline = Instant.now().plusSeconds(30);
    String[] archiver = archiver(info, secrets);
    while ((archiver[0].equals("0")
            || plane.store().walFiles(name).stream().allMatch(WalNames::isHistory))
        && Instant.now().isBefore(deadline)) {
      Thread.sleep(100);
      archiver = archiver(info, secrets);
    }
    assertThat(plane.store().walFiles(name)).anyMatch(f -> !WalNames.isHistory(f));
    assertThat(archiver[1]).as("archiver failures").isEqualTo("0");
    assertThat(plane.store().walFiles(name)).contains(archiver[2]);
  }

  /** archived_count, failed_count and last_archived_wal of the server's archiver. */
  private static String[] archiver(ServerInfo info, ControlSecrets secrets) throws Exception {
    try (Connection c =
            InstanceConnections.open(
                info.socketDir(),
                info.port(),
                ControlRoles.DATABASE,
                ControlRoles.SUPERUSER,
                secrets.superuserPassword(),
                Duration.ofSeconds(10));
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT archived_count, failed_count, last_archived_wal FROM pg_stat_archiver")) {
      rs.next();
      return new String[] {rs.getString(1), rs.getString(2), rs.getString(3)};
    }
  }
}
