package dev.toygres.bench.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LatenessTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static Instant at(double seconds) {
    return T0.plusMillis(Math.round(seconds * 1000));
  }

  @Test
  void latenessIsTheGapBeyondTheIntervalForChecksInsideTheWindow() {
    Map<String, List<Instant>> checks =
        Map.of(
            // the check at 9 s is before the window but makes the one at 20.5 s 1.5 s late
            "a", List.of(at(9), at(20.5), at(30.6), at(40.6)),
            "b", List.of(at(12), at(22.1), at(32.2)));
    Lateness.Result r = Lateness.compute(checks, Duration.ofSeconds(10), at(10), at(42));

    assertThat(r.checksInWindow()).isEqualTo(6);
    assertThat(r.latenessMs()).containsExactly(0, 100, 100, 100, 1500);
    assertThat(r.percentile(50)).isEqualTo(100);
    assertThat(r.percentile(100)).isEqualTo(1500);
    assertThat(r.laterThan(100)).isEqualTo(1);
    assertThat(r.laterThan(99.9)).isEqualTo(4);
    assertThat(r.laterThan(0)).isEqualTo(4);
    assertThat(r.laterThan(-1)).isEqualTo(5);
    assertThat(r.laterThan(10_000)).isZero();
    assertThat(r.instancesWithoutCheck()).isZero();
    assertThat(r.overdueAtEnd()).isZero();
  }

  @Test
  void theFirstCheckOfAnInstanceHasNoLatenessAndChecksAfterTheWindowAreIgnored() {
    Map<String, List<Instant>> checks = Map.of("a", List.of(at(11), at(21.2), at(99)));
    Lateness.Result r = Lateness.compute(checks, Duration.ofSeconds(10), at(10), at(30));

    assertThat(r.checksInWindow()).isEqualTo(2);
    assertThat(r.latenessMs()).containsExactly(200);
  }

  @Test
  void instancesBehindAtTheEndAreCountedAsOverdueAndSilentOnesAsWithoutCheck() {
    Map<String, List<Instant>> checks =
        Map.of(
            "late", List.of(at(1), at(11)),
            "never", List.of(),
            "fine", List.of(at(25)));
    Lateness.Result r = Lateness.compute(checks, Duration.ofSeconds(10), at(10), at(30));

    assertThat(r.instancesWithoutCheck()).isEqualTo(1);
    // "late" checked at 11 s, due again at 21 s, not done by 30 s: 9 s overdue
    assertThat(r.overdueAtEnd()).isEqualTo(1);
    assertThat(r.maxOverdueMs()).isEqualTo(9000);
    assertThat(r.latenessMs()).containsExactly(0);
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
