package dev.toygres.engine.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Future work sends no notification (docs/engine.md#wake-ups): the idle wait must find it. */
class IdleWaitTest {
  private static final Duration POLL = Duration.ofMinutes(2);

  @Test
  void withNothingDueLaterAnIdleDispatcherWaitsThePollInterval() {
    assertThat(IdleWait.millis(Optional::empty, POLL)).isEqualTo(POLL.toMillis());
  }

  @Test
  void anItemDueBeforeThePollIntervalEndsTheWaitWhenItIsDue() {
    Instant due = Instant.now().plusSeconds(10);

    long waited = IdleWait.millis(() -> Optional.of(due), POLL);

    assertThat(waited).isBetween(1L, 10_000L);
    assertThat(Instant.now().plusMillis(waited)).isAfterOrEqualTo(due.minusMillis(1));
  }

  @Test
  void anItemDueAfterThePollIntervalIsWaitedForAtMostThePollInterval() {
    Instant due = Instant.now().plus(Duration.ofHours(1));

    assertThat(IdleWait.millis(() -> Optional.of(due), POLL)).isEqualTo(POLL.toMillis());
  }

  @Test
  void anItemAlreadyDueIsWaitedForOneMillisecond() {
    Instant due = Instant.now().minusSeconds(5);

    assertThat(IdleWait.millis(() -> Optional.of(due), POLL)).isEqualTo(1L);
  }

  @Test
  void withTimerBatchingAnItemDueLaterIsWaitedForThatMuchLonger() {
    Duration batching = Duration.ofMillis(100);
    Instant due = Instant.now().plusSeconds(10);

    long waited = IdleWait.millis(() -> Optional.of(due), POLL, batching);

    assertThat(waited).isBetween(10_000L - 50, 10_100L);
    assertThat(Instant.now().plusMillis(waited)).isAfterOrEqualTo(due.plusMillis(99));
  }

  @Test
  void withTimerBatchingAnItemAlreadyDueIsStillFetchedAtOnce() {
    Instant due = Instant.now().minusMillis(3);

    assertThat(IdleWait.millis(() -> Optional.of(due), POLL, Duration.ofMillis(100))).isEqualTo(1L);
  }

  @Test
  void timerBatchingNeverWaitsPastThePollInterval() {
    Instant due = Instant.now().plus(POLL).minusMillis(10);

    assertThat(IdleWait.millis(() -> Optional.of(due), POLL, Duration.ofSeconds(1)))
        .isEqualTo(POLL.toMillis());
  }
}
