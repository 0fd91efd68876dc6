package dev.toygres.controlplane.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.toygres.testkit.TestHttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What a server must show while its metadata database is out of reach, and after it is back: the
 * bounds of issue 10 (readiness 503 within 30 s, every API request a 503 JSON error within 15 s,
 * everything back within 60 s) and its invariants (every instance checked again by exactly one
 * actor).
 */
final class Outage {
  static final Duration DETECTION_BOUND = Duration.ofSeconds(30);
  static final Duration RECOVERY_BOUND = Duration.ofSeconds(60);

  private Outage() {}

  /** What was measured during the outage. */
  record Detected(Duration readinessRed, Duration slowestApiAnswer) {}

  /**
   * Readiness turns 503 within {@link #DETECTION_BOUND} of {@code faultNanos}, then a read and a
   * mutation of {@code instance} each answer 503 with a JSON error within {@link Probes#API_BOUND}.
   */
  static Detected detect(TestHttpClient api, String instance, long faultNanos)
      throws InterruptedException {
    Duration red = Probes.awaitReady(api, 503, faultNanos, DETECTION_BOUND);
    Duration slowest =
        Probes.assertUnavailable(
            api, List.of("GET /api/instances", "POST /api/instances/" + instance + "/restart"));
    return new Detected(red, slowest);
  }

  /**
   * Within {@link #RECOVERY_BOUND} of {@code healedNanos}: readiness 200, the API answers, every
   * instance has a health check later than {@code healedAt} and exactly one running actor (the
   * recorded one). Returns how long that took.
   */
  static Duration awaitRecovery(
      TestHttpClient api, List<String> names, Instant healedAt, long healedNanos) {
    return awaitRecovery(api, names, healedAt, healedNanos, true);
  }

  /**
   * As {@link #awaitRecovery(TestHttpClient, List, Instant, long)}, with or without readiness (a
   * fault that leaves the database reachable says nothing about it).
   */
  static Duration awaitRecovery(
      TestHttpClient api,
      List<String> names,
      Instant healedAt,
      long healedNanos,
      boolean readiness) {
    await()
        .atMost(RECOVERY_BOUND.minus(Duration.ofNanos(System.nanoTime() - healedNanos)))
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              if (readiness) {
                assertThat(Probes.ready(api)).as("/health/ready").isEqualTo(200);
              }
              assertThat(Fleet.allCheckedAfter(api, names, healedAt))
                  .as("every instance checked after " + healedAt)
                  .isTrue();
              for (String n : names) {
                assertThat(Fleet.hasExactlyOneActor(api, n)).as("one actor watches " + n).isTrue();
              }
            });
    return Duration.ofNanos(System.nanoTime() - healedNanos);
  }

  /**
   * No check lost beyond the outage: since a little before it began, no instance went longer
   * without a check than the outage plus the recovery bound. Returns the longest gap seen.
   */
  static Duration assertNoGapBeyond(
      TestHttpClient api, List<String> names, Instant faultAt, Duration outage) {
    Duration longest = Duration.ZERO;
    for (String n : names) {
      Duration gap = Fleet.longestGap(api, n, faultAt.minusSeconds(10));
      assertThat(gap)
          .as("longest gap between checks of " + n)
          .isLessThan(outage.plus(RECOVERY_BOUND));
      if (gap.compareTo(longest) > 0) {
        longest = gap;
      }
    }
    return longest;
  }
}
