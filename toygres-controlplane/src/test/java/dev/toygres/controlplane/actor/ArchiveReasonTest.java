package dev.toygres.controlplane.actor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.controlplane.cms.WalArchive;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ArchiveReasonTest {
  private static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");
  private static final String LAST = "000000010000000000000003";

  @Test
  void aFailingArchiveNamesItsFailuresAndItsLastSuccess() {
    WalArchive a =
        new WalArchive(
            3, LAST, NOW.minusSeconds(60), 4, "000000010000000000000004", NOW, null, NOW);
    assertThat(ArchiveReason.of(a))
        .startsWith("WAL archive failing: 4 failed attempt(s), the last on 0000000100000000")
        .contains("last archived " + LAST);
  }

  @Test
  void aLaggingArchiveSaysHowManySegmentsWait() {
    WalArchive a =
        new WalArchive(
            3, LAST, NOW.minusSeconds(600), 0, null, null, "000000010000000000000009", NOW);
    assertThat(ArchiveReason.of(a)).startsWith("WAL archive lagging: 5 finished segment(s) wait");
  }

  @Test
  void anOkOrUnreadOrEmptyArchiveAddsNothing() {
    assertThat(ArchiveReason.of(null)).isNull();
    assertThat(ArchiveReason.of(new WalArchive(1, LAST, NOW, 0, null, null, null, NOW))).isNull();
    assertThat(ArchiveReason.of(new WalArchive(0, null, null, 0, null, null, null, NOW))).isNull();
  }
}
