package dev.toygres.controlplane.server;

import dev.toygres.controlplane.cms.InstanceRecord;
import dev.toygres.controlplane.cms.WalArchive;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * Gauges of every live instance's WAL archive (docs/backups.md#the-archives-health), tagged {@code
 * instance} with its name: {@code toygres_instance_archive_failures} (the server's failed attempts
 * since its statistics began), {@code toygres_instance_archive_lag_segments} (finished segments not
 * archived yet) and {@code toygres_instance_archive_last_success_age_seconds} (how long before the
 * last check the last file was archived). An instance appears once a health check has read its
 * archive; a value that cannot be told (no success yet, no lag on a server in recovery) is NaN.
 * Values are read from the fleet when scraped; the set of instances is renewed on each fresh read
 * of the fleet ({@link #renew}).
 */
final class ArchiveMetrics {
  private final Supplier<List<InstanceRecord>> fleet;
  private final MultiGauge failures;
  private final MultiGauge lag;
  private final MultiGauge age;
  private Set<String> names = Set.of();

  ArchiveMetrics(MeterRegistry registry, Supplier<List<InstanceRecord>> fleet) {
    this.fleet = fleet;
    this.failures =
        MultiGauge.builder("toygres_instance_archive_failures")
            .description("failed WAL archive attempts since the server's statistics began")
            .register(registry);
    this.lag =
        MultiGauge.builder("toygres_instance_archive_lag_segments")
            .description("finished WAL segments not archived yet")
            .register(registry);
    this.age =
        MultiGauge.builder("toygres_instance_archive_last_success_age_seconds")
            .description("age of the last archived WAL file at the last health check")
            .baseUnit("seconds")
            .register(registry);
  }

  /** Shows exactly the instances of {@code live} whose archive a check has read. */
  synchronized void renew(List<InstanceRecord> live) {
    Set<String> now =
        live.stream()
            .filter(r -> r.archive() != null)
            .map(InstanceRecord::userName)
            .collect(Collectors.toUnmodifiableSet());
    if (now.equals(names)) {
      return;
    }
    names = now;
    failures.register(rows(now, a -> a.failedCount()), false);
    lag.register(rows(now, a -> a.lagSegments()), false);
    age.register(
        rows(
            now,
            a -> {
              Duration d = a.lastSuccessAge();
              return d == null ? null : d.toMillis() / 1000.0;
            }),
        false);
  }

  private List<MultiGauge.Row<?>> rows(Set<String> names, Function<WalArchive, Number> value) {
    ToDoubleFunction<String> read =
        name ->
            fleet.get().stream()
                .filter(r -> name.equals(r.userName()) && r.archive() != null)
                .map(r -> value.apply(r.archive()))
                .filter(Objects::nonNull)
                .mapToDouble(Number::doubleValue)
                .findFirst()
                .orElse(Double.NaN);
    return names.stream()
        .sorted()
        .<MultiGauge.Row<?>>map(n -> MultiGauge.Row.of(Tags.of("name", n), n, read))
        .toList();
  }
}
