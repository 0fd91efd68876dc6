package dev.toygres.controlplane.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Scheduled backups: ids every server derives alike, and the next due time. */
class BackupRoundTest {
  static final Instant DUE = Instant.parse("2026-11-30T00:00:00Z");

  @Test
  void theScheduledBackupOfAnInstanceAndDueTimeHasOneIdOnEveryServer() {
    String id = BackupRound.scheduledId("db1-abcdef", DUE);

    assertThat(id).matches("backup-db1-abcdef-[0-9a-f]{8}");
    assertThat(BackupRound.scheduledId("db1-abcdef", DUE)).isEqualTo(id);
    assertThat(BackupRound.scheduledId("db1-abcdef", DUE.plusSeconds(86400))).isNotEqualTo(id);
    assertThat(BackupRound.scheduledId("db2-abcdef", DUE)).isNotEqualTo(id);
  }

  @Test
  void theNextBackupIsOneScheduleLaterAndMissedOnesAreSkipped() {
    Duration day = Duration.ofDays(1);

    assertThat(BackupRound.next(DUE, day, DUE.plusSeconds(30))).isEqualTo(DUE.plus(day));
    assertThat(BackupRound.next(DUE, day, DUE.plus(Duration.ofHours(75))))
        .isEqualTo(DUE.plus(Duration.ofDays(4)));
    assertThat(BackupRound.next(DUE, day, DUE)).isEqualTo(DUE.plus(day));
  }
}
