package dev.toygres.controlplane.actor;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The actors' check metrics on this server (docs/metrics.md#actors): {@code
 * toygres_actor_iterations_total} and {@code toygres_check_lateness_seconds}; the probe's own
 * histogram is made here too ({@link #probeDurations}) and recorded by {@link HealthProbe}.
 *
 * <p>Lateness is measured inside the check, from what it already reads, so that the actor's
 * orchestration and its recorded histories stay as they are: a check was due at the due time on the
 * instance's {@link Cadence} that it answers after the previous check was recorded ({@code
 * last_health_check}; {@link Cadence#dueSince}), or sooner when the previous check asked to look
 * again sooner (a failed probe, a restart due) and that wait had passed since it was recorded. The
 * wait asked for is remembered on the server that ran the previous check; a check that runs on
 * another server (or after a restart) is measured against its due time only, which can only make it
 * look less late. A check woken early by a message counts as not late (0). The first check of an
 * instance is not measured.
 */
final class CheckMetrics {
  /** Records nothing (actors that only watch, e.g. in the fleet benchmark). */
  static final CheckMetrics NONE = new CheckMetrics(null, Duration.ofSeconds(1));

  private static final double[] BUCKETS = {0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600};

  private static final Duration[] PROBE_BUCKETS = {
    Duration.ofMillis(1),
    Duration.ofMillis(2),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10)
  };

  private final Cadence cadence;
  private final Counter iterations;
  private final DistributionSummary lateness;
  private final Map<UUID, Duration> asked = new ConcurrentHashMap<>();

  CheckMetrics(MeterRegistry registry, Duration interval) {
    this.cadence = new Cadence(interval);
    if (registry == null) {
      iterations = null;
      lateness = null;
      return;
    }
    iterations =
        Counter.builder("toygres.actor.iterations")
            .description("actor checks run by this server")
            .register(registry);
    lateness =
        DistributionSummary.builder("toygres.check.lateness")
            .baseUnit("seconds")
            .description("how late each check ran against its due time")
            .serviceLevelObjectives(BUCKETS)
            .register(registry);
  }

  /** The histogram of probe durations, {@code toygres_probe_duration_seconds}. */
  static Timer probeDurations(MeterRegistry registry) {
    return Timer.builder("toygres.probe.duration")
        .description("one probe of an instance server, answered or not")
        .serviceLevelObjectives(PROBE_BUCKETS)
        .register(registry);
  }

  /**
   * A check of {@code instance} starts {@code now}; the previous check was recorded at {@code
   * lastCheck} (null: none).
   */
  void starting(UUID instance, Instant lastCheck, Instant now) {
    if (iterations == null) {
      return;
    }
    iterations.increment();
    if (lastCheck != null) {
      lateness.record(lateness(cadence, instance, lastCheck, asked.get(instance), now));
    }
  }

  /**
   * The check of {@code instance} asked to look again after {@code lookAgainMillis} (null: at its
   * next due time).
   */
  void asked(UUID instance, Long lookAgainMillis) {
    if (iterations == null) {
      return;
    }
    if (lookAgainMillis == null) {
      asked.remove(instance);
    } else {
      asked.put(instance, Duration.ofMillis(Math.max(0, lookAgainMillis)));
    }
  }

  /** The actor of {@code instance} stops: nothing more to remember of it. */
  void stopped(UUID instance) {
    asked.remove(instance);
  }

  /**
   * Seconds {@code now} is past the due time of a check of {@code instance} whose previous check
   * was recorded at {@code lastCheck} and asked to look again after {@code lookAgain} (null: at its
   * next due time); 0 when nothing was due yet.
   */
  static double lateness(
      Cadence cadence, UUID instance, Instant lastCheck, Duration lookAgain, Instant now) {
    Instant due = cadence.dueSince(instance, lastCheck, now);
    if (lookAgain != null) {
      Instant again = lastCheck.plus(lookAgain);
      if (!again.isAfter(now) && (due == null || again.isBefore(due))) {
        due = again;
      }
    }
    return due == null ? 0 : Duration.between(due, now).toMillis() / 1000.0;
  }
}
