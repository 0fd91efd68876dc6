package dev.toygres.controlplane.cms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The archive's lag and status, from WAL file names and the instance's times (no database). */
class WalArchiveTest {
  private static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");

  private static WalArchive archived(String last, Duration ago, String current) {
    return new WalArchive(5, last, NOW.minus(ago), 0, null, null, current, NOW);
  }

  @Test
  void aSegmentNumberCountsLogFilesAs256SegmentsOfSixteenMegabytes() {
    assertThat(WalArchive.segment("000000010000000000000003")).isEqualTo(3L);
    assertThat(WalArchive.segment("0000000100000001000000FF")).isEqualTo(256L + 255);
    assertThat(WalArchive.segment("0000000300000002000000A0")).isEqualTo(2 * 256L + 0xA0);
  }

  @Test
  void backupLabelsAndPartialSegmentsNameTheirSegmentButHistoryFilesAndJunkNameNone() {
    assertThat(WalArchive.segment("000000010000000000000004.00000028.backup")).isEqualTo(4L);
    assertThat(WalArchive.segment("000000010000000000000007.partial")).isEqualTo(7L);
    assertThat(WalArchive.segment("00000002.history")).isNull();
    assertThat(WalArchive.segment("0000000100000000000000XY")).isNull();
    assertThat(WalArchive.segment("000000010000000000000007x")).isNull();
    assertThat(WalArchive.segment(null)).isNull();
  }

  @Test
  void theSegmentBeingWrittenIsNoLagOnlyFinishedOnesWaitingAre() {
    String last = "000000010000000000000003";
    assertThat(archived(last, Duration.ZERO, "000000010000000000000003").lagSegments()).isZero();
    assertThat(archived(last, Duration.ZERO, "000000010000000000000004").lagSegments()).isZero();
    assertThat(archived(last, Duration.ZERO, "000000010000000000000007").lagSegments())
        .isEqualTo(3);
  }

  @Test
  void lagCountsAcrossLogFileAndTimelineBoundaries() {
    assertThat(
            archived("0000000100000000000000FE", Duration.ZERO, "000000010000000100000001")
                .lagSegments())
        .isEqualTo(2);
    assertThat(
            archived("000000010000000000000009", Duration.ZERO, "00000002000000000000000B")
                .lagSegments())
        .isEqualTo(1);
  }

  @Test
  void lagIsUnknownOnAStandbyOrAfterAHistoryFileOrBeforeAnythingIsArchived() {
    assertThat(archived("000000010000000000000003", Duration.ZERO, null).lagSegments()).isNull();
    assertThat(
            archived("00000002.history", Duration.ZERO, "00000002000000000000000B").lagSegments())
        .isNull();
    assertThat(
            new WalArchive(0, null, null, 0, null, null, "000000010000000000000001", NOW)
                .lagSegments())
        .isNull();
  }

  @Test
  void nothingArchivedAndNothingFailedIsNone() {
    WalArchive off = new WalArchive(0, null, null, 0, null, null, "000000010000000000000001", NOW);
    assertThat(off.status()).isEqualTo(ArchiveStatus.NONE);
    assertThat(off.lastSuccessAge()).isNull();
  }

  @Test
  void aFailureAfterTheLastSuccessIsFailingAndASuccessAfterItIsOkAgain() {
    String wal = "000000010000000000000003";
    String cur = "000000010000000000000005";
    Instant success = NOW.minusSeconds(30);
    assertThat(
            new WalArchive(5, wal, success, 2, "000000010000000000000004", NOW, cur, NOW).status())
        .isEqualTo(ArchiveStatus.FAILING);
    assertThat(
            new WalArchive(6, wal, NOW, 2, "000000010000000000000004", success, cur, NOW).status())
        .isEqualTo(ArchiveStatus.OK);
  }

  @Test
  void failuresWithNoSuccessAtAllAreFailingNotNone() {
    assertThat(
            new WalArchive(
                    0,
                    null,
                    null,
                    1,
                    "000000010000000000000001",
                    NOW,
                    "000000010000000000000002",
                    NOW)
                .status())
        .isEqualTo(ArchiveStatus.FAILING);
  }

  @Test
  void moreThanEightFinishedSegmentsWaitingIsLaggingEvenRightAfterASuccess() {
    String last = "000000010000000000000010";
    assertThat(archived(last, Duration.ofSeconds(1), "000000010000000000000019").status())
        .isEqualTo(ArchiveStatus.OK);
    assertThat(archived(last, Duration.ofSeconds(1), "00000001000000000000001A").status())
        .isEqualTo(ArchiveStatus.LAGGING);
  }

  @Test
  void aFinishedSegmentWaitingWhileTheLastSuccessIsOlderThanTwiceTheArchiveTimeoutIsLagging() {
    String last = "000000010000000000000010";
    String oneWaiting = "000000010000000000000012";
    assertThat(archived(last, Duration.ofSeconds(120), oneWaiting).status())
        .isEqualTo(ArchiveStatus.OK);
    assertThat(archived(last, Duration.ofSeconds(121), oneWaiting).status())
        .isEqualTo(ArchiveStatus.LAGGING);
  }

  @Test
  void anIdleInstanceWhoseLastSuccessIsOldIsOk() {
    String last = "000000010000000000000010";
    assertThat(archived(last, Duration.ofHours(5), "000000010000000000000011").status())
        .isEqualTo(ArchiveStatus.OK);
    assertThat(archived(last, Duration.ofHours(5), null).status()).isEqualTo(ArchiveStatus.OK);
    assertThat(archived(last, Duration.ofHours(5), null).lastSuccessAge())
        .isEqualTo(Duration.ofHours(5));
  }

  @Test
  void negativeCountsAndAMissingReadingTimeAreRefused() {
    assertThatThrownBy(() -> new WalArchive(-1, null, null, 0, null, null, null, NOW))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new WalArchive(0, null, null, 0, null, null, null, null))
        .isInstanceOf(NullPointerException.class);
  }
}
