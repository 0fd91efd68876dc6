package dev.toygres.controlplane.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toygres.controlplane.InvalidRequestException;
import org.junit.jupiter.api.Test;

/** LSNs as PostgreSQL writes them, compared as numbers. */
class LsnTest {
  @Test
  void lsnsCompareByTheirHighThenLowHalf() {
    assertThat(Lsn.parse("1/0", "f")).isGreaterThan(Lsn.parse("0/FFFFFFFF", "f"));
    assertThat(Lsn.parse("0/3000060", "f")).isGreaterThan(Lsn.parse("0/2FFFFFF", "f"));
  }

  @Test
  void formattingGivesBackWhatPostgresWrites() {
    assertThat(Lsn.format(Lsn.parse("16/b374d848", "f"))).isEqualTo("16/B374D848");
    assertThat(Lsn.format(0x3000060L)).isEqualTo("0/3000060");
  }

  @Test
  void anythingElseIsAnInvalidRequestNamingTheField() {
    assertThatThrownBy(() -> Lsn.parse("3000060", "restore.to_lsn"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("restore.to_lsn must be an LSN");
    assertThat(Lsn.valid("0/0")).isTrue();
    assertThat(Lsn.valid("0/123456789")).isFalse();
  }
}
