package dev.toygres.controlplane.actor;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CheckMetricsTest {
  private static final Duration INTERVAL = Duration.ofSeconds(10);
  private static final Cadence CADENCE = new Cadence(INTERVAL);
  private static final UUID ID = UUID.fromString("33d383dd-b4b1-4ef6-bb73-a69ef8813563");

  /** A due time of {@link #ID}. */
  private static final Instant DUE = CADENCE.nextDue(ID, Instant.parse("2026-01-01T00:00:00Z"));

  private static double lateness(Instant lastCheck, Duration lookAgain, Instant now) {
    return CheckMetrics.lateness(CADENCE, ID, lastCheck, lookAgain, now);
  }

  @Test
  void aCheckIsLateByHowFarItRunsPastItsDueTime() {
    Instant previous = DUE.minus(INTERVAL).plusMillis(400);

    assertThat(lateness(previous, null, DUE.plusSeconds(3))).isEqualTo(3.0);
    assertThat(lateness(previous, null, DUE.plusMillis(250))).isEqualTo(0.25);
  }

  @Test
  void aSteadyLatenessIsSeenAtEveryCheckNotOnlyWhenItGrows() {
    Instant previousThreeSecondsLate = DUE.minus(INTERVAL).plusSeconds(3);

    assertThat(lateness(previousThreeSecondsLate, null, DUE.plusSeconds(3))).isEqualTo(3.0);
  }

  @Test
  void aCheckWokenEarlyIsNotLate() {
    assertThat(lateness(DUE.minus(INTERVAL).plusMillis(200), null, DUE.minusSeconds(4)))
        .isEqualTo(0.0);
  }

  @Test
  void dueTimesMissedWhileTheActorWasBehindCount() {
    Instant previous = DUE.minusSeconds(5);

    assertThat(lateness(previous, null, DUE.plus(INTERVAL).plusSeconds(2))).isEqualTo(12.0);
  }

  @Test
  void aDueTimeThatPassedAsThePreviousCheckEndedIsNotCounted() {
    Instant previous = DUE.minusMillis(200);

    assertThat(lateness(previous, null, DUE.plus(INTERVAL).plusSeconds(1))).isEqualTo(1.0);
    assertThat(lateness(previous, null, DUE.plusMillis(500)))
        .as("when the actor did wait for it, it is measured against it")
        .isEqualTo(0.5);
  }

  @Test
  void aLookAgainSoonerThanTheDueTimeSetsTheDueTime() {
    Instant failed = DUE.minusSeconds(8);

    assertThat(lateness(failed, Duration.ofSeconds(2), DUE.minusSeconds(5))).isEqualTo(1.0);
  }

  @Test
  void aLookAgainLaterThanTheDueTimeDoesNotDelayIt() {
    Instant previous = DUE.minusSeconds(3);

    assertThat(lateness(previous, Duration.ofMinutes(5), DUE.plusSeconds(1))).isEqualTo(1.0);
  }

  @Test
  void theWaitThePreviousCheckAskedForSetsTheDueTime() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    CheckMetrics m = new CheckMetrics(registry, INTERVAL);

    m.asked(ID, 2_000L);
    m.starting(ID, DUE.minusSeconds(8), DUE.minusSeconds(5));

    var lateness = registry.get("toygres.check.lateness").summary();
    assertThat(lateness.count()).isEqualTo(1);
    assertThat(lateness.totalAmount()).isEqualTo(1.0);
  }

  @Test
  void withoutAWaitRememberedOnlyTheDueTimeCounts() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    CheckMetrics m = new CheckMetrics(registry, INTERVAL);
    UUID other = UUID.fromString("0b5a1c2e-5f4d-4c1e-9a77-1d2a3b4c5d6e");
    m.asked(ID, 2_000L);
    m.stopped(ID);
    m.asked(other, 2_000L);
    m.asked(other, null);

    m.starting(ID, DUE.minusSeconds(8), DUE.minusSeconds(5));
    Instant otherDue = CADENCE.nextDue(other, DUE);
    m.starting(other, otherDue.minusSeconds(8), otherDue.minusSeconds(5));

    var lateness = registry.get("toygres.check.lateness").summary();
    assertThat(lateness.count()).isEqualTo(2);
    assertThat(lateness.totalAmount()).isEqualTo(0.0);
  }

  @Test
  void everyCheckCountsAsAnIterationButOnlyOneAfterAnEarlierCheckIsMeasured() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    CheckMetrics m = new CheckMetrics(registry, INTERVAL);

    m.starting(UUID.randomUUID(), null, DUE);
    m.starting(ID, DUE.minus(INTERVAL), DUE);

    assertThat(registry.get("toygres.actor.iterations").counter().count()).isEqualTo(2);
    assertThat(registry.get("toygres.check.lateness").summary().count()).isEqualTo(1);
  }

  @Test
  void theMetricsHaveTheirDocumentedPrometheusNames() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    CheckMetrics m = new CheckMetrics(registry, INTERVAL);
    m.starting(ID, DUE.minus(INTERVAL), DUE.plusMillis(700));
    CheckMetrics.probeDurations(registry).record(3, TimeUnit.MILLISECONDS);

    String text = registry.scrape();

    assertThat(text)
        .contains("toygres_actor_iterations_total 1.0")
        .contains("toygres_check_lateness_seconds_bucket{le=\"1.0\"} 1")
        .contains("toygres_check_lateness_seconds_count 1")
        .contains("toygres_probe_duration_seconds_bucket{le=\"0.005\"} 1")
        .contains("toygres_probe_duration_seconds_count 1");
  }
}
