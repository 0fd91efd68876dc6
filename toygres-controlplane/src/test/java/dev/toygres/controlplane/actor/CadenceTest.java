package dev.toygres.controlplane.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CadenceTest {
  private static final Duration INTERVAL = Duration.ofSeconds(30);
  private static final Cadence CADENCE = new Cadence(INTERVAL);
  private static final UUID ID = UUID.fromString("33d383dd-b4b1-4ef6-bb73-a69ef8813563");
  private static final Instant T = Instant.parse("2026-11-30T04:41:02.324659Z");

  @Test
  void thePhaseIsWithinTheIntervalAndTheSameForTheSameId() {
    Duration phase = CADENCE.phase(ID);

    assertThat(phase).isGreaterThanOrEqualTo(Duration.ZERO).isLessThan(INTERVAL);
    assertThat(new Cadence(INTERVAL).phase(UUID.fromString(ID.toString()))).isEqualTo(phase);
  }

  @Test
  void phasesOfManyIdsSpreadEvenlyOverTheInterval() {
    int buckets = 10;
    int ids = 20_000;
    int[] perBucket = new int[buckets];
    Random random = new Random(14);
    for (int i = 0; i < ids; i++) {
      UUID id = new UUID(random.nextLong(), random.nextLong());
      perBucket[(int) (CADENCE.phase(id).toMillis() * buckets / INTERVAL.toMillis())]++;
    }
    // 2,000 expected per tenth of the interval; a uniform spread stays within 10 % of it.
    assertThat(java.util.Arrays.stream(perBucket).boxed())
        .allSatisfy(n -> assertThat(n).isBetween(1_800, 2_200));
  }

  @Test
  void idsThatDifferInOneBitGetUnrelatedPhases() {
    List<Long> phases = new ArrayList<>();
    for (int bit = 0; bit < 64; bit++) {
      UUID id = new UUID(1L << bit, 0);
      phases.add(CADENCE.phase(id).toMillis());
    }
    assertThat(phases.stream().distinct().count()).isGreaterThan(60);
  }

  @Test
  void dueTimesFallAtThePhaseOneIntervalApart() {
    Instant first = CADENCE.nextDue(ID, T);
    Instant second = CADENCE.nextDue(ID, first);

    assertThat(first).isAfter(T).isBeforeOrEqualTo(T.plus(INTERVAL));
    assertThat(first.toEpochMilli() % INTERVAL.toMillis()).isEqualTo(CADENCE.phase(ID).toMillis());
    assertThat(second).isEqualTo(first.plus(INTERVAL));
  }

  @Test
  void theNextDueTimeIsThePreviousPlusTheIntervalWhateverTheCheckCost() {
    Instant due = CADENCE.nextDue(ID, T);

    assertThat(CADENCE.nextDue(ID, due.plusMillis(1))).isEqualTo(due.plus(INTERVAL));
    assertThat(CADENCE.nextDue(ID, due.plusSeconds(7))).isEqualTo(due.plus(INTERVAL));
    assertThat(CADENCE.nextDue(ID, due.plus(INTERVAL).minusMillis(1)))
        .isEqualTo(due.plus(INTERVAL));
  }

  @Test
  void aDueTimeAlreadyPassedIsSkippedNotCaughtUp() {
    Instant due = CADENCE.nextDue(ID, T);

    Instant afterABacklog = due.plus(INTERVAL.multipliedBy(3)).plusSeconds(5);

    assertThat(CADENCE.nextDue(ID, afterABacklog)).isEqualTo(due.plus(INTERVAL.multipliedBy(4)));
    assertThat(CADENCE.nextDue(ID, afterABacklog)).isAfter(afterABacklog);
  }

  @Test
  void aCheckRightAtItsDueTimeWaitsAWholeIntervalForTheNext() {
    Instant due = CADENCE.nextDue(ID, T);

    assertThat(CADENCE.nextDue(ID, due)).isEqualTo(due.plus(INTERVAL));
    assertThat(CADENCE.nextDue(ID, due.plusNanos(300_000))).isEqualTo(due.plus(INTERVAL));
  }

  @Test
  void theLastDueTimeIsAtOrBeforeTheMoment() {
    Instant due = CADENCE.nextDue(ID, T);

    assertThat(CADENCE.lastDue(ID, due)).isEqualTo(due);
    assertThat(CADENCE.lastDue(ID, due.plusSeconds(29))).isEqualTo(due);
    assertThat(CADENCE.lastDue(ID, due.minusMillis(1))).isEqualTo(due.minus(INTERVAL));
  }

  @Test
  void withoutALookAgainTheActorWakesAtItsNextDueTime() {
    assertThat(CADENCE.nextWake(ID, T, null)).isEqualTo(CADENCE.nextDue(ID, T));
  }

  @Test
  void aLookAgainSoonerThanTheNextDueTimeWins() {
    Instant due = CADENCE.nextDue(ID, T);
    Instant failedAt = due.plusMillis(200);

    assertThat(CADENCE.nextWake(ID, failedAt, Duration.ofSeconds(2)))
        .isEqualTo(failedAt.plusSeconds(2));
    assertThat(CADENCE.nextWake(ID, failedAt, Duration.ZERO)).isEqualTo(failedAt);
    assertThat(CADENCE.nextWake(ID, failedAt, Duration.ofMillis(-5))).isEqualTo(failedAt);
  }

  @Test
  void aLookAgainLaterThanTheNextDueTimeWaitsOnlyUntilIt() {
    Instant due = CADENCE.nextDue(ID, T);
    Instant checkedAt = due.minusSeconds(1);

    assertThat(CADENCE.nextWake(ID, checkedAt, Duration.ofMinutes(5))).isEqualTo(due);
  }

  @Test
  void aCheckAnswersTheFirstDueTimeAfterThePreviousCheck() {
    Instant due = CADENCE.nextDue(ID, T);
    Instant previous = due.minus(INTERVAL).plusSeconds(3);

    assertThat(CADENCE.dueSince(ID, previous, due.plusSeconds(3))).isEqualTo(due);
    assertThat(CADENCE.dueSince(ID, previous, due)).isEqualTo(due);
  }

  @Test
  void aCheckBeforeAnyDueTimeAnswersNone() {
    Instant due = CADENCE.nextDue(ID, T);

    assertThat(CADENCE.dueSince(ID, due.minusSeconds(20), due.minusMillis(1))).isNull();
  }

  @Test
  void dueTimesSkippedWhileBehindAreAnsweredFromTheFirst() {
    Instant due = CADENCE.nextDue(ID, T);
    Instant previous = due.minusSeconds(5);

    assertThat(CADENCE.dueSince(ID, previous, due.plus(INTERVAL.multipliedBy(2)).plusSeconds(1)))
        .isEqualTo(due);
  }

  @Test
  void aDueTimeThatPassedAsThePreviousCheckEndedIsNotAnswered() {
    Instant due = CADENCE.nextDue(ID, T);
    Instant previous = due.minusMillis(400);

    assertThat(CADENCE.dueSince(ID, previous, due.plus(INTERVAL).plusMillis(50)))
        .isEqualTo(due.plus(INTERVAL));
    assertThat(CADENCE.dueSince(ID, previous, due.plusMillis(50)))
        .as("unless the actor waited for it")
        .isEqualTo(due);
  }

  @Test
  void withAShortIntervalOnlyAQuarterOfItCountsAsPassingAtOnce() {
    Cadence fast = new Cadence(Duration.ofMillis(800));
    Instant due = fast.nextDue(ID, T);

    assertThat(fast.dueSince(ID, due.minusMillis(200), due.plusMillis(850)))
        .isEqualTo(due.plusMillis(800));
    assertThat(fast.dueSince(ID, due.minusMillis(300), due.plusMillis(850))).isEqualTo(due);
  }

  @Test
  void refusesAnIntervalBelowOneMillisecond() {
    assertThatThrownBy(() -> new Cadence(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("interval");
    assertThatThrownBy(() -> new Cadence(Duration.ofNanos(999_999)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
