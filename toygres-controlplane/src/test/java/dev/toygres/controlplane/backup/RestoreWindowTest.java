package dev.toygres.controlplane.backup;

import static dev.toygres.controlplane.backup.RetentionPlanTest.NOW;
import static dev.toygres.controlplane.backup.RetentionPlanTest.backup;
import static dev.toygres.controlplane.backup.RetentionPlanTest.good;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.controlplane.cms.BackupRow;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The restore window: from the oldest usable backup's end to the last archived WAL. */
class RestoreWindowTest {
  @Test
  void theWindowRunsFromTheOldestUsableBackupToTheLastArchivedWal() {
    List<BackupRow> all =
        List.of(
            backup("corrupt", BackupRow.COMPLETED, false, NOW.minus(Duration.ofDays(9))),
            good("b5", Duration.ofDays(5)),
            good("b1", Duration.ofDays(1)),
            backup("failed", BackupRow.FAILED, false, NOW.minus(Duration.ofHours(1))));

    RestoreWindow w = RestoreWindow.of(all, NOW.minusSeconds(10));

    assertThat(w.earliest()).isEqualTo(NOW.minus(Duration.ofDays(5)));
    assertThat(w.latest()).isEqualTo(NOW.minusSeconds(10));
  }

  @Test
  void withoutAnArchiveTimeTheWindowEndsWithTheNewestBackup() {
    RestoreWindow w =
        RestoreWindow.of(
            List.of(good("b5", Duration.ofDays(5)), good("b1", Duration.ofDays(1))), null);

    assertThat(w.latest()).isEqualTo(NOW.minus(Duration.ofDays(1)));
  }

  @Test
  void withoutAUsableBackupThereIsNoWindow() {
    RestoreWindow w =
        RestoreWindow.of(
            List.of(backup("failed", BackupRow.FAILED, false, NOW)), NOW.minusSeconds(1));

    assertThat(w.any()).isFalse();
    assertThat(w.latest()).isNull();
  }
}
