package dev.toygres.controlplane.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.toygres.testkit.TestHttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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

  /**
   * What was measured during the outage: when readiness turned red, and the slowest answer to a
   * request sent as the fault began and to one sent once readiness was red.
   */
  record Detected(Duration readinessRed, Duration slowestEarlyAnswer, Duration slowestLateAnswer) {}

  /**
   * A read and a mutation of {@code instance} sent as the fault begins, and again once readiness
   * turned 503, each answer 503 with a JSON error within {@link Probes#API_BOUND}; readiness turns
   * 503 within {@link #DETECTION_BOUND} of {@code faultNanos}.
   */
  static Detected detect(TestHttpClient api, String instance, long faultNanos)
      throws InterruptedException, TimeoutException {
    List<String> requests =
        List.of("GET /api/instances", "POST /api/instances/" + instance + "/restart");
    CompletableFuture<Duration> early =
        CompletableFuture.supplyAsync(() -> Probes.assertUnavailable(api, requests));
    Duration red = Probes.awaitReady(api, 503, faultNanos, DETECTION_BOUND);
    Duration slowestEarly;
    try {
      slowestEarly =
          early.get(requests.size() * Probes.API_BOUND.toSeconds() + 5, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof AssertionError a ? a : new AssertionError(e.getCause());
    }
    return new Detected(red, slowestEarly, Probes.assertUnavailable(api, requests));
  }

  /** The detection's figures after the readiness time, for the FAULT-TIMES line. */
  static String figures(Detected d, Duration longestGap) {
    return String.format(
        "slowest_api_early_s=%.2f slowest_api_late_s=%.2f longest_check_gap_s=%.1f",
        Probes.seconds(d.slowestEarlyAnswer()),
        Probes.seconds(d.slowestLateAnswer()),
        Probes.seconds(longestGap));
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
