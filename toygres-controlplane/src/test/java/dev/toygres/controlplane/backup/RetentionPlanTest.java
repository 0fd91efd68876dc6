package dev.toygres.controlplane.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.controlplane.cms.BackupRow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Which backups retention removes, and the backup up to which the archive is pruned. */
class RetentionPlanTest {
  static final UUID INSTANCE = UUID.fromString("00000000-0000-0000-0000-000000000001");
  static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
  static final Duration WEEK = Duration.ofDays(7);

  static BackupRow backup(String id, String status, Boolean verified, Instant finished) {
    return new BackupRow(
        id,
        INSTANCE,
        "db1",
        "db1-abcdef",
        status,
        "scheduled",
        finished == null ? NOW.minusSeconds(60) : finished.minusSeconds(30),
        finished,
        "0/2000028",
        "0/2000100",
        1,
        1000L,
        verified,
        null,
        id,
        null,
        null,
        null);
  }

  static BackupRow good(String id, Duration age) {
    return backup(id, BackupRow.COMPLETED, true, NOW.minus(age));
  }

  @Test
  void backupsOlderThanTheWindowsBaseAreRemovedAndTheArchiveIsPrunedUpToTheBase() {
    List<BackupRow> all =
        List.of(
            good("b10", Duration.ofDays(10)),
            good("b9", Duration.ofDays(9)),
            good("b8", Duration.ofDays(8)),
            good("b6", Duration.ofDays(6)),
            good("b1", Duration.ofDays(1)));

    RetentionPlan p = RetentionPlan.of(all, WEEK, null, false, NOW);

    assertThat(p.remove()).extracting(BackupRow::id).containsExactly("b10", "b9");
    assertThat(p.oldestKept().id()).isEqualTo("b8");
    assertThat(p.purgeAll()).isFalse();
  }

  @Test
  void theNewestBackupIsNeverRemovedEvenWhenOlderThanTheRetention() {
    List<BackupRow> all =
        List.of(good("b30", Duration.ofDays(30)), good("b20", Duration.ofDays(20)));

    RetentionPlan p = RetentionPlan.of(all, WEEK, null, false, NOW);

    assertThat(p.remove()).extracting(BackupRow::id).containsExactly("b30");
    assertThat(p.oldestKept().id()).isEqualTo("b20");
  }

  @Test
  void allBackupsWithinTheRetentionAreKeptAndTheOldestIsTheBase() {
    List<BackupRow> all = List.of(good("b3", Duration.ofDays(3)), good("b1", Duration.ofDays(1)));

    RetentionPlan p = RetentionPlan.of(all, WEEK, null, false, NOW);

    assertThat(p.remove()).isEmpty();
    assertThat(p.oldestKept().id()).isEqualTo("b3");
  }

  @Test
  void failedAndUnverifiedBackupsGoOnceOlderThanTheRetentionAndRunningOnesNever() {
    List<BackupRow> all =
        List.of(
            backup("failed-old", BackupRow.FAILED, false, NOW.minus(Duration.ofDays(8))),
            backup("failed-new", BackupRow.FAILED, false, NOW.minus(Duration.ofDays(2))),
            backup("corrupt-old", BackupRow.COMPLETED, false, NOW.minus(Duration.ofDays(9))),
            backup("running", BackupRow.RUNNING, null, null),
            good("b1", Duration.ofDays(1)));

    RetentionPlan p = RetentionPlan.of(all, WEEK, null, false, NOW);

    assertThat(p.remove())
        .extracting(BackupRow::id)
        .containsExactlyInAnyOrder("failed-old", "corrupt-old");
    assertThat(p.oldestKept().id()).isEqualTo("b1");
  }

  @Test
  void withoutAUsableBackupNothingIsPrunedFromTheArchive() {
    List<BackupRow> all =
        List.of(backup("failed", BackupRow.FAILED, false, NOW.minus(Duration.ofDays(1))));

    RetentionPlan p = RetentionPlan.of(all, WEEK, null, false, NOW);

    assertThat(p.remove()).isEmpty();
    assertThat(p.oldestKept()).isNull();
  }

  @Test
  void aDeletedInstanceKeepsItsBackupsUntilItsRetentionHasPassedSinceItsDelete() {
    List<BackupRow> all = List.of(good("b20", Duration.ofDays(20)), good("b8", Duration.ofDays(8)));

    RetentionPlan recent = RetentionPlan.of(all, WEEK, NOW.minus(Duration.ofDays(6)), false, NOW);
    RetentionPlan old = RetentionPlan.of(all, WEEK, NOW.minus(Duration.ofDays(8)), false, NOW);

    assertThat(recent.purgeAll()).isFalse();
    assertThat(recent.remove()).extracting(BackupRow::id).containsExactly("b20");
    assertThat(old.purgeAll()).isTrue();
  }

  @Test
  void aDeleteThatAskedForItPurgesAtOnce() {
    List<BackupRow> all = List.of(good("b1", Duration.ofDays(1)));

    assertThat(RetentionPlan.of(all, WEEK, NOW.minusSeconds(5), true, NOW).purgeAll()).isTrue();
  }

  @Test
  void theBaseOfTheRetainedWindowIsTheNewestUsableBackupBeforeItsStart() {
    List<BackupRow> all =
        List.of(
            good("b9", Duration.ofDays(9)),
            backup("corrupt", BackupRow.COMPLETED, false, NOW.minus(Duration.ofDays(8))),
            good("b2", Duration.ofDays(2)));

    assertThat(RetentionPlan.base(all, NOW.minus(WEEK)).id()).isEqualTo("b9");
    assertThat(RetentionPlan.base(all, NOW.minus(Duration.ofDays(30))).id()).isEqualTo("b9");
    assertThat(RetentionPlan.base(all, NOW).id()).isEqualTo("b2");
    assertThat(RetentionPlan.base(List.of(), NOW)).isNull();
  }
}
