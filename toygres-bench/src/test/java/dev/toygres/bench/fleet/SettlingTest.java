package dev.toygres.bench.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.controlplane.actor.Cadence;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SettlingTest {
  @Test
  void theWarmUpLastsAtLeastOneIntervalOfAtLeastTenSecondsAndAtMostTenOfThem() {
    assertThat(Settling.minimum(Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(10));
    assertThat(Settling.minimum(Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(30));
    assertThat(Settling.maximum(Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(100));
    assertThat(Settling.maximum(Duration.ofSeconds(30))).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void aFleetHasSettledWhenAtMostOnePercentOfItIsOverdue() {
    assertThat(Settling.settled(100, 10_000)).isTrue();
    assertThat(Settling.settled(101, 10_000)).isFalse();
    assertThat(Settling.settled(200, 20_000)).isTrue();
    assertThat(Settling.settled(0, 12)).isTrue();
    // a small fleet: none may be overdue
    assertThat(Settling.settled(1, 12)).isFalse();
  }

  @Test
  void anInstanceIsOverdueWhenItsNextDueTimeOnItsCadencePassedMoreThanASecondAgo() {
    Cadence cadence = new Cadence(Duration.ofSeconds(30));
    UUID id = UUID.fromString("8a0e4a4e-3c1b-4c55-9a51-0d4c2f6e7a10");
    Instant due = cadence.nextDue(id, Instant.parse("2026-12-03T12:00:00Z"));
    Instant checkedOnTime = due.minusMillis(29_900);

    assertThat(Settling.overdue(Map.of(id, checkedOnTime), cadence, due.plusMillis(500))).isZero();
    assertThat(Settling.overdue(Map.of(id, checkedOnTime), cadence, due.plusMillis(1_500)))
        .isEqualTo(1);
    // checked 15 s late, then due an interval after the due time it answered (not after the
    // check): still behind, so overdue 2 s after that next due time
    Instant checkedLate = due.minusSeconds(15);
    assertThat(Settling.overdue(Map.of(id, checkedLate), cadence, due.plusSeconds(2))).isEqualTo(1);
    // its next check not yet due
    assertThat(Settling.overdue(Map.of(id, due.plusMillis(10)), cadence, due.plusSeconds(2)))
        .isZero();
  }

  @Test
  void theFleetMustStaySettledAtEveryLookForTheWholeSpan() {
    long s = 1_000_000_000L;
    Settling.Streak streak = new Settling.Streak(Duration.ofSeconds(30));

    assertThat(streak.look(true, 0)).as("the first dip under the share").isFalse();
    assertThat(streak.look(true, 25 * s)).isFalse();
    assertThat(streak.heldNanos(25 * s)).isEqualTo(25 * s);
    // a fleet catching up goes back over the share: the span starts over
    assertThat(streak.look(false, 29 * s)).isFalse();
    assertThat(streak.holding()).isFalse();
    assertThat(streak.heldNanos(29 * s)).isZero();
    assertThat(streak.look(true, 30 * s)).isFalse();
    assertThat(streak.look(true, 55 * s)).isFalse();
    assertThat(streak.look(true, 60 * s)).as("settled at every look since 30 s").isTrue();
  }
}
