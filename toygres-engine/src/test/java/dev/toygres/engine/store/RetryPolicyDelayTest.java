package dev.toygres.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toygres.engine.orchestration.RetryPolicy;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** RetryPolicy.delayAfter for each backoff, and its cap. */
class RetryPolicyDelayTest {
  private static long[] delaysMillis(RetryPolicy p, int n) {
    return IntStream.rangeClosed(1, n).mapToLong(i -> p.delayAfter(i).toMillis()).toArray();
  }

  @Test
  void fixedBackoffWaitsTheSameEveryTime() {
    RetryPolicy p = RetryPolicy.fixed(5, Duration.ofMillis(300));
    assertThat(delaysMillis(p, 4)).containsExactly(300, 300, 300, 300);
  }

  @Test
  void linearBackoffGrowsByTheFirstDelayUntilTheCap() {
    RetryPolicy p = RetryPolicy.linear(10, Duration.ofSeconds(1), Duration.ofMillis(3500));
    assertThat(delaysMillis(p, 5)).containsExactly(1000, 2000, 3000, 3500, 3500);
  }

  @Test
  void exponentialBackoffDoublesUntilTheCap() {
    RetryPolicy p = RetryPolicy.exponential(10, Duration.ofMillis(100), Duration.ofSeconds(1));
    assertThat(delaysMillis(p, 6)).containsExactly(100, 200, 400, 800, 1000, 1000);
  }

  @Test
  void exponentialBackoffDoesNotOverflowAfterManyAttempts() {
    RetryPolicy p = RetryPolicy.exponential(1000, Duration.ofMillis(1), Duration.ofHours(1));
    assertThat(p.delayAfter(64)).isEqualTo(Duration.ofHours(1));
    assertThat(p.delayAfter(500)).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void noRetryHasOneAttemptAndZeroDelay() {
    RetryPolicy p = RetryPolicy.none();
    assertThat(p.maxAttempts()).isEqualTo(1);
    assertThat(p.delayAfter(1)).isZero();
  }

  @Test
  void invalidPoliciesAndAttemptNumbersAreRejected() {
    assertThatThrownBy(() -> RetryPolicy.fixed(0, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RetryPolicy.linear(3, Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxDelay");
    assertThatThrownBy(() -> RetryPolicy.fixed(3, Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RetryPolicy.fixed(3, Duration.ofMillis(5)).delayAfter(0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
