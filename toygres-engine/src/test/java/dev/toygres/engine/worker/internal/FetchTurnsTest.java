package dev.toygres.engine.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FetchTurnsTest {
  private static final long MS = 1_000_000L;

  @Test
  void dispatchersCaughtUpTogetherTakeTurnsOnePeriodApartForTheWholeWorker() {
    FetchTurns turns = new FetchTurns(100 * MS, 4);

    // four dispatchers caught up within a few milliseconds of one another
    assertThat(turns.next(0)).isEqualTo(100);
    assertThat(turns.next(2 * MS)).isEqualTo(198);
    assertThat(turns.next(3 * MS)).isEqualTo(297);
    assertThat(turns.next(5 * MS)).isEqualTo(395);
    // the first, back from its turn at 100 ms, waits for the turn after the fourth's (at 400 ms)
    assertThat(turns.next(110 * MS)).isEqualTo(390);
  }

  @Test
  void aDispatcherAloneWaitsOnePeriod() {
    FetchTurns turns = new FetchTurns(100 * MS, 4);

    assertThat(turns.next(0)).isEqualTo(100);
    assertThat(turns.next(250 * MS)).isEqualTo(100);
    assertThat(turns.next(400 * MS)).isEqualTo(100);
  }

  @Test
  void turnsLeftUnusedNeverPushTheNextFurtherThanOnePeriodPerDispatcher() {
    FetchTurns turns = new FetchTurns(100 * MS, 2);

    // wake-ups for work due now end the waits early, again and again
    for (int i = 0; i < 50; i++) {
      assertThat(turns.next(i * MS)).isLessThanOrEqualTo(200);
    }
    assertThat(turns.next(60 * MS)).isEqualTo(200);
  }

  @Test
  void withoutTimerBatchingNoDispatcherWaits() {
    FetchTurns turns = new FetchTurns(0, 4);

    assertThat(turns.next(0)).isZero();
    assertThat(turns.next(0)).isZero();
  }

  @Test
  void aNegativePeriodOrNoDispatcherIsRefused() {
    assertThatThrownBy(() -> new FetchTurns(-1, 4)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new FetchTurns(MS, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aWaitIsRoundedUpToWholeMilliseconds() {
    FetchTurns turns = new FetchTurns(100 * MS + 1, 1);

    assertThat(turns.next(0)).isEqualTo(101);
  }
}
