package dev.toygres.controlplane.server;

import dev.toygres.controlplane.actor.Diagnosis;
import dev.toygres.engine.client.InstanceInfo;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The actors and the control plane's singletons as gauges (docs/metrics.md#actors): {@code
 * toygres_actors{diagnosis}}, every diagnosis always present, from a full diagnosis made at most
 * every 15 s (the doctor reads the whole fleet, so not on every scrape); and {@code
 * toygres_<singleton>_last_round_timestamp_seconds}, when each singleton's history last advanced as
 * the engine recorded it (so every server reports the same value), read at most every 5 s in one
 * query, NaN before its first round. While the database cannot be read the last values are shown.
 */
final class ActorMetrics {
  static final long DIAGNOSIS_EVERY_MILLIS = 15_000;
  static final long SINGLETONS_EVERY_MILLIS = 5_000;

  private ActorMetrics() {}

  /**
   * @param diagnoses reads the doctor's counts of the whole fleet (every diagnosis)
   * @param singletonInfos reads what the engine knows of the singletons, by orchestration id
   * @param singletons the gauge's stem ({@code supervisor} gives {@code
   *     toygres_supervisor_last_round_timestamp_seconds}) to the singleton's orchestration id
   */
  static void bind(
      MeterRegistry registry,
      Supplier<Map<Diagnosis, Integer>> diagnoses,
      Supplier<Map<String, InstanceInfo>> singletonInfos,
      Map<String, String> singletons) {
    FleetMetrics.Cached<Map<Diagnosis, Integer>> counts =
        new FleetMetrics.Cached<>(diagnoses, DIAGNOSIS_EVERY_MILLIS);
    for (Diagnosis d : Diagnosis.values()) {
      Gauge.builder("toygres_actors", () -> counts.get().getOrDefault(d, 0))
          .tag("diagnosis", d.label())
          .description("actors per doctor diagnosis")
          .register(registry);
    }
    FleetMetrics.Cached<Map<String, InstanceInfo>> infos =
        new FleetMetrics.Cached<>(singletonInfos, SINGLETONS_EVERY_MILLIS);
    singletons.forEach(
        (stem, id) ->
            Gauge.builder(
                    "toygres_" + stem + "_last_round_timestamp_seconds",
                    () -> seconds(infos.get().get(id)))
                .description("when the " + stem + " last completed a round (unix seconds)")
                .register(registry));
  }

  static double seconds(InstanceInfo info) {
    Instant at = info == null ? null : info.lastProgressAt();
    return at == null ? Double.NaN : at.toEpochMilli() / 1000.0;
  }
}
