package dev.toygres.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RootWrapperTest {

  @Test
  void readsEffectiveUidFromStatus() {
    String status =
        "Name:\tjava\nUmask:\t0022\nState:\tS (sleeping)\nUid:\t1000\t0\t0\t0\nGid:\t0\t0\t0\t0\n";
    assertThat(RootWrapper.effectiveUid(status)).isZero();
    assertThat(RootWrapper.effectiveUid("Uid:\t0\t1000\t1000\t1000\n")).isEqualTo(1000);
    assertThat(RootWrapper.effectiveUid("Name:\tx\n")).isEqualTo(-1);
  }

  @Test
  void wrapsOnlyWhenRoot() {
    List<String> wrapped = RootWrapper.wrap(List.of("/bin/true"));
    if (RootWrapper.isRoot()) {
      assertThat(wrapped)
          .startsWith("unshare", "--user", "--map-user=1000", "--map-group=1000")
          .endsWith("/bin/true");
    } else {
      assertThat(wrapped).containsExactly("/bin/true");
    }
  }
}
