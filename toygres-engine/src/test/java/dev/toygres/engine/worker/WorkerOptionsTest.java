package dev.toygres.engine.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WorkerOptionsTest {
  @Test
  void stepAffinityIsOffByDefaultSetByItsWitherAndNeverNegative() {
    WorkerOptions defaults = WorkerOptions.defaults();
    assertThat(defaults.stepAffinity()).isZero();

    WorkerOptions sticky = defaults.withStepAffinity(Duration.ofSeconds(1));
    assertThat(sticky.stepAffinity()).isEqualTo(Duration.ofSeconds(1));
    assertThat(sticky.withTimerBatching(Duration.ofMillis(100)).stepAffinity())
        .as("kept by the other withers")
        .isEqualTo(Duration.ofSeconds(1));
    assertThat(sticky.withWorkerId("w").withLease(Duration.ofSeconds(5)).stepAffinity())
        .isEqualTo(Duration.ofSeconds(1));

    assertThatThrownBy(() -> defaults.withStepAffinity(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("stepAffinity must not be negative, was PT-0.001S");
    assertThatThrownBy(() -> defaults.withStepAffinity(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("stepAffinity");
  }
}
