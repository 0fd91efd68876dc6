package dev.toygres.bench.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toygres.controlplane.actor.Cadence;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class LatenessTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Cadence CADENCE = new Cadence(Duration.ofSeconds(10));
  private static final UUID A = UUID.fromString("33d383dd-b4b1-4ef6-bb73-a69ef8813563");
  private static final UUID B = UUID.fromString("0b5a1c2e-5f4d-4c1e-9a77-1d2a3b4c5d6e");
  private static final UUID C = UUID.fromString("7c0ffee0-0000-4000-8000-000000000001");

  /** {@code seconds} after the instance's first due time past {@code T0 + 20 s}. */
  private static Instant at(UUID id, double seconds) {
    return CADENCE.nextDue(id, T0.plusSeconds(20)).plusMillis(Math.round(seconds * 1000));
  }

  @Test
  void latenessIsTheTimeSinceTheDueTimeEachCheckInsideTheWindowAnswers() {
    Map<UUID, List<Instant>> checks =
        Map.of(
            // the check before the window makes the one 1.5 s after the next due time 1.5 s late
            A, List.of(at(A, -29.8), at(A, -18.5), at(A, -9.9), at(A, 0.1)),
            B, List.of(at(B, -29.8), at(B, -19.9), at(B, -9.8), at(B, 0.3)));
    Lateness.Result r = Lateness.compute(checks, CADENCE, T0.plusSeconds(1), T0.plusSeconds(100));

    assertThat(r.checksInWindow()).isEqualTo(6);
    assertThat(r.latenessMs()).containsExactly(100, 100, 100, 200, 300, 1500);
    assertThat(r.percentile(50)).isEqualTo(100);
    assertThat(r.percentile(100)).isEqualTo(1500);
    assertThat(r.laterThan(100)).isEqualTo(3);
    assertThat(r.laterThan(99.9)).isEqualTo(6);
    assertThat(r.laterThan(10_000)).isZero();
    assertThat(r.instancesWithoutCheck()).isZero();
  }

  @Test
  void aSteadyDelayIsLatenessAtEveryCheckNotOnlyWhenItGrows() {
    Map<UUID, List<Instant>> checks =
        Map.of(A, List.of(at(A, -29.8), at(A, -17), at(A, -7), at(A, 3)));
    Lateness.Result r = Lateness.compute(checks, CADENCE, T0.plusSeconds(1), at(A, 5));

    assertThat(r.latenessMs()).containsExactly(3000, 3000, 3000);
  }

  @Test
  void theFirstCheckOfAnInstanceHasNoLatenessAndChecksAfterTheWindowAreIgnored() {
    Map<UUID, List<Instant>> checks = Map.of(A, List.of(at(A, 0.2), at(A, 10.2), at(A, 99)));
    Lateness.Result r = Lateness.compute(checks, CADENCE, T0.plusSeconds(1), at(A, 15));

    assertThat(r.checksInWindow()).isEqualTo(2);
    assertThat(r.latenessMs()).containsExactly(200);
  }

  @Test
  void instancesBehindAtTheEndAreCountedAsOverdueAndSilentOnesAsWithoutCheck() {
    Instant to = at(A, 19);
    Map<UUID, List<Instant>> checks =
        Map.of(
            A, List.of(at(A, -10.5), at(A, 0.5)),
            B, List.of(),
            C, List.of(CADENCE.lastDue(C, to).plusMillis(100)));
    Lateness.Result r = Lateness.compute(checks, CADENCE, at(A, -5), to);

    assertThat(r.instancesWithoutCheck()).isEqualTo(1);
    // A checked 0.5 s after a due time, due again 10 s after it, not done by 19 s: 9 s overdue
    assertThat(r.overdueAtEnd()).isEqualTo(1);
    assertThat(r.maxOverdueMs()).isEqualTo(9000);
    assertThat(r.latenessMs()).containsExactly(500);
  }

  @Test
  void percentilesTakeTheNearestRankAndRefuseRanksOutside0To100() {
    double[] hundred = new double[100];
    for (int i = 0; i < 100; i++) {
      hundred[i] = i + 1;
    }
    assertThat(Lateness.percentile(hundred, 50)).isEqualTo(50);
    assertThat(Lateness.percentile(hundred, 99)).isEqualTo(99);
    assertThat(Lateness.percentile(hundred, 100)).isEqualTo(100);
    assertThat(Lateness.percentile(hundred, 0)).isEqualTo(1);
    assertThat(Lateness.percentile(new double[] {7}, 99)).isEqualTo(7);
    assertThat(Lateness.percentile(new double[0], 50)).isNaN();
    assertThat(Lateness.median(new double[] {30, 10, 20})).isEqualTo(20);
    assertThatThrownBy(() -> Lateness.percentile(hundred, 101))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
