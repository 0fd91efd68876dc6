package dev.toygres.controlplane.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toygres.controlplane.InvalidRequestException;
import org.junit.jupiter.api.Test;

class LsnTest {

  @Test
  void lsnsCompareAsTheWalDoesAndAnythingElseIsAnInvalidTarget() {
    assertThat(Lsn.parse("0/3000148")).isEqualTo(0x3000148L);
    assertThat(Lsn.parse("16/B374D848")).isEqualTo((0x16L << 32) | 0xB374D848L);
    assertThat(Lsn.parse("1/0")).isGreaterThan(Lsn.parse("0/FFFFFFFF"));
    for (String bad : new String[] {"", "3000148", "-1/2", "0/", "/1", "0/123456789", "g/1"}) {
      assertThatThrownBy(() -> Lsn.parse(bad))
          .isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("is not an LSN");
    }
  }
}
