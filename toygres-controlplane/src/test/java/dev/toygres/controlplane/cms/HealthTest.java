package dev.toygres.controlplane.cms;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How one probe moves an instance's health, as the actor records it. */
class HealthTest {
  private static final int THRESHOLD = 2;

  @Test
  void aHealthyProbeMakesItHealthyAndForgetsFailures() {
    assertThat(new Health(HealthStatus.UNHEALTHY, 5).after(HealthStatus.HEALTHY, THRESHOLD))
        .isEqualTo(new Health(HealthStatus.HEALTHY, 0));
  }

  @Test
  void failedProbesTurnItUnhealthyOnlyOnceTheThresholdIsReached() {
    Health one = new Health(HealthStatus.HEALTHY, 0).after(HealthStatus.UNHEALTHY, THRESHOLD);
    assertThat(one).isEqualTo(new Health(HealthStatus.HEALTHY, 1));
    Health two = one.after(HealthStatus.UNHEALTHY, THRESHOLD);
    assertThat(two).isEqualTo(new Health(HealthStatus.UNHEALTHY, 2));
    assertThat(two.after(HealthStatus.UNHEALTHY, THRESHOLD))
        .isEqualTo(new Health(HealthStatus.UNHEALTHY, 3));
  }

  @Test
  void aFirstFailureKeepsAnUnknownInstanceUnknown() {
    assertThat(new Health(HealthStatus.UNKNOWN, 0).after(HealthStatus.UNHEALTHY, THRESHOLD))
        .isEqualTo(new Health(HealthStatus.UNKNOWN, 1));
  }

  @Test
  void aSkippedProbeOfAStoppedServerIsUnknownAndForgetsFailures() {
    assertThat(new Health(HealthStatus.UNHEALTHY, 3).after(HealthStatus.UNKNOWN, THRESHOLD))
        .isEqualTo(new Health(HealthStatus.UNKNOWN, 0));
  }
}
