package dev.toygres.controlplane.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RestartPolicyTest {
  private final RestartPolicy policy = RestartPolicy.DEFAULT;

  @Test
  void theFirstRestartIsImmediateThenTheBackOffGrowsToItsCapAndStaysThere() {
    assertThat(policy.delayBefore(1)).isZero();
    assertThat(policy.delayBefore(2)).isEqualTo(Duration.ofSeconds(10));
    assertThat(policy.delayBefore(3)).isEqualTo(Duration.ofSeconds(30));
    assertThat(policy.delayBefore(4)).isEqualTo(Duration.ofMinutes(1));
    assertThat(policy.delayBefore(5)).isEqualTo(Duration.ofMinutes(5));
    assertThat(policy.delayBefore(6)).isEqualTo(Duration.ofMinutes(5));
    assertThat(policy.delayBefore(1_000)).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void atMostAHandfulOfAttemptsFitInTheFirstMinuteOfACrashLoop() {
    Duration elapsed = Duration.ZERO;
    int attempts = 0;
    for (int n = 1; ; n++) {
      elapsed = elapsed.plus(policy.delayBefore(n));
      if (elapsed.compareTo(Duration.ofMinutes(1)) > 0) {
        break;
      }
      attempts++;
    }
    assertThat(attempts).isEqualTo(3);
  }

  @Test
  void threeRestartsThatDidNotStickMakeACrashLoopAndTwoDoNot() {
    assertThat(policy.crashLoop(2)).isFalse();
    assertThat(policy.crashLoop(3)).isTrue();
    assertThat(policy.crashLoop(40)).isTrue();
    assertThat(policy.reason(2, 3, Duration.ofSeconds(30)))
        .isEqualTo("server down; restart attempt 3 in 30 s");
    assertThat(policy.reason(3, 4, Duration.ofMinutes(1)))
        .isEqualTo(
            "crash loop: 3 restarts failed since the server last stayed healthy for 10 min;"
                + " restart attempt 4 in 1 min");
    assertThat(policy.reason(0, 1, Duration.ZERO)).isEqualTo("server down; restart attempt 1 now");
  }

  @Test
  void aBackOffThatWouldRestartInATightLoopIsRefused() {
    assertThatThrownBy(() -> policy.withBackoff(List.of(Duration.ZERO, Duration.ZERO)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only the first may be zero");
    assertThatThrownBy(() -> policy.withBackoff(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(policy.withBackoff(List.of(Duration.ofSeconds(1))).delayBefore(3))
        .isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void attemptsCountFromOne() {
    assertThatThrownBy(() -> policy.delayBefore(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
