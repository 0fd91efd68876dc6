package dev.toygres.controlplane.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * Gauges of every live instance, tagged {@code name} with its user-facing name (docs/metrics.md):
 * {@code toygres_instance_up} (1 running with a healthy newest check, 0 running otherwise, NaN when
 * not meant to run), {@code toygres_instance_last_check_timestamp_seconds}, {@code
 * toygres_instance_response_seconds} (the newest check's probe), {@code
 * toygres_instance_crash_looping} (1 while the actor reports a crash loop), and for each standby of
 * an instance with replicas {@code toygres_instance_member_lag_bytes} and {@code
 * toygres_instance_member_lag_seconds}, tagged also {@code member}. A value that cannot be told is
 * NaN. The instances are read at most every 5 s (the last read is shown while the CMS cannot be
 * read); the series are renewed on each fresh read, so a deleted instance's series disappear.
 */
final class InstanceMetrics {
  static final long TTL_MILLIS = 5_000;

  private final Supplier<List<InstanceSample>> source;
  private final long ttlMillis;
  private final MultiGauge up;
  private final MultiGauge lastCheck;
  private final MultiGauge response;
  private final MultiGauge crashLooping;
  private final MultiGauge lagBytes;
  private final MultiGauge lagSeconds;
  private Map<String, InstanceSample> samples;
  private long readAt;

  InstanceMetrics(MeterRegistry registry, Supplier<List<InstanceSample>> source, long ttlMillis) {
    this.source = Objects.requireNonNull(source, "source");
    this.ttlMillis = ttlMillis;
    up =
        MultiGauge.builder("toygres_instance_up")
            .description("1 when the instance runs and its newest health check was healthy")
            .register(registry);
    lastCheck =
        MultiGauge.builder("toygres_instance_last_check_timestamp_seconds")
            .description("when the instance's newest health check was recorded (unix time)")
            .register(registry);
    response =
        MultiGauge.builder("toygres_instance_response_seconds")
            .description("response time of the probe of the instance's newest health check")
            .baseUnit("seconds")
            .register(registry);
    crashLooping =
        MultiGauge.builder("toygres_instance_crash_looping")
            .description("1 while the instance's actor reports a crash loop")
            .register(registry);
    lagBytes =
        MultiGauge.builder("toygres_instance_member_lag_bytes")
            .description("how far a standby's replay was behind the primary at the newest check")
            .baseUnit("bytes")
            .register(registry);
    lagSeconds =
        MultiGauge.builder("toygres_instance_member_lag_seconds")
            .description("the primary's replay_lag for a standby at the newest check")
            .baseUnit("seconds")
            .register(registry);
  }

  /**
   * The gauges of the instances recorded in the CMS behind {@code cms}. Their series are renewed
   * when a gauge is read, and on {@link #renew()}: call it on each scrape too, so that the first
   * instance's series appear when there were none.
   */
  static InstanceMetrics bind(MeterRegistry registry, DataSource cms) {
    return new InstanceMetrics(registry, new LastChecks(cms)::read, TTL_MILLIS);
  }

  /** Reads the instances again if the last read is older than the TTL, renewing the series. */
  synchronized Map<String, InstanceSample> renew() {
    long now = System.currentTimeMillis();
    if (samples != null && now - readAt < ttlMillis) {
      return samples;
    }
    readAt = now;
    Map<String, InstanceSample> fresh;
    try {
      fresh =
          source.get().stream()
              .collect(Collectors.toUnmodifiableMap(InstanceSample::name, s -> s, (a, b) -> a));
    } catch (RuntimeException e) {
      if (samples == null) {
        samples = Map.of();
      }
      return samples;
    }
    boolean sameSeries = samples != null && series(samples).equals(series(fresh));
    samples = fresh;
    if (!sameSeries) {
      register();
    }
    return samples;
  }

  private static Map<String, List<String>> series(Map<String, InstanceSample> s) {
    return s.values().stream()
        .collect(
            Collectors.toMap(
                InstanceSample::name,
                i -> i.standbys().stream().map(InstanceSample.StandbyLag::member).toList()));
  }

  private void register() {
    List<String> names = samples.keySet().stream().sorted().toList();
    up.register(rows(names, InstanceSample::up), false);
    lastCheck.register(rows(names, s -> seconds(s.checkedAt())), false);
    response.register(
        rows(names, s -> s.responseTimeMs() == null ? Double.NaN : s.responseTimeMs() / 1000.0),
        false);
    crashLooping.register(rows(names, s -> s.crashLooping() ? 1 : 0), false);
    lagBytes.register(lagRows(InstanceSample.StandbyLag::lagBytes), false);
    lagSeconds.register(lagRows(InstanceSample.StandbyLag::lagSeconds), false);
  }

  private static double seconds(Instant t) {
    return t == null ? Double.NaN : t.toEpochMilli() / 1000.0;
  }

  private List<MultiGauge.Row<?>> rows(List<String> names, ToDoubleFunction<InstanceSample> value) {
    return names.stream()
        .<MultiGauge.Row<?>>map(
            n ->
                MultiGauge.Row.of(
                    Tags.of("name", n),
                    n,
                    name -> sample(name).map(value::applyAsDouble).orElse(Double.NaN)))
        .toList();
  }

  private List<MultiGauge.Row<?>> lagRows(Function<InstanceSample.StandbyLag, Double> value) {
    return samples.values().stream()
        .sorted((a, b) -> a.name().compareTo(b.name()))
        .flatMap(
            s ->
                s.standbys().stream()
                    .map(
                        l ->
                            MultiGauge.Row.of(
                                Tags.of("name", s.name(), "member", l.member()),
                                new StandbyKey(s.name(), l.member()),
                                key -> lag(key, value))))
        .<MultiGauge.Row<?>>map(r -> r)
        .toList();
  }

  private double lag(StandbyKey key, Function<InstanceSample.StandbyLag, Double> value) {
    return sample(key.name()).stream()
        .flatMap(s -> s.standbys().stream())
        .filter(l -> l.member().equals(key.member()))
        .map(value)
        .filter(Objects::nonNull)
        .mapToDouble(Double::doubleValue)
        .findFirst()
        .orElse(Double.NaN);
  }

  private record StandbyKey(String name, String member) {}

  private Optional<InstanceSample> sample(String name) {
    return Optional.ofNullable(renew().get(name));
  }
}
