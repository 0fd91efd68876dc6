package dev.toygres.controlplane.actor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HealthProbeTest {
  @Test
  void aProcessWithATwentyThousandFileLimitLeaves1024FilesForEverythingElse() {
    assertThat(HealthProbe.keptLimit(20_000)).isEqualTo(18_976);
  }

  @Test
  void aLargerFileLimitLeavesATwentiethOfIt() {
    assertThat(HealthProbe.keptLimit(24_000)).isEqualTo(22_800);
  }

  @Test
  void aSmallFileLimitLeavesAtLeast1024FilesForEverythingElse() {
    assertThat(HealthProbe.keptLimit(4_096)).isEqualTo(3_072);
    assertThat(HealthProbe.keptLimit(1_024)).isZero();
    assertThat(HealthProbe.keptLimit(100)).isZero();
  }

  @Test
  void aLargeFileLimitStillKeepsAtMostMaxKept() {
    assertThat(HealthProbe.keptLimit(1_048_576)).isEqualTo(HealthProbe.MAX_KEPT);
  }

  @Test
  void anUnknownFileLimitKeepsMaxKept() {
    assertThat(HealthProbe.keptLimit(-1)).isEqualTo(HealthProbe.MAX_KEPT);
  }
}
