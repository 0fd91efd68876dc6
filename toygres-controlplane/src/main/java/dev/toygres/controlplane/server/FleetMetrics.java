package dev.toygres.controlplane.server;

import dev.toygres.controlplane.cms.CmsStore;
import dev.toygres.controlplane.cms.HealthStatus;
import dev.toygres.controlplane.cms.InstanceRecord;
import dev.toygres.controlplane.cms.InstanceState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Gauges of the fleet: instances by state and by health, read from the CMS at most every 5 s. While
 * the CMS cannot be read, the last values are shown (none before the first read) and the next read
 * is tried 5 s later, so a scrape does not wait on an unreachable database every time. Each live
 * instance's WAL archive and health have gauges of their own ({@link ArchiveMetrics}, {@link
 * InstanceMetrics}).
 */
final class FleetMetrics {
  private FleetMetrics() {}

  static void bind(MeterRegistry registry, CmsStore cms) {
    Cached<List<InstanceRecord>> fleet = new Cached<>(cms::listLive, 5_000);
    ArchiveMetrics archive = new ArchiveMetrics(registry, fleet);
    InstanceMetrics instances = InstanceMetrics.bind(registry, cms.dataSource());
    fleet.onRead(
        live -> {
          archive.renew(live);
          instances.renew();
        });
    for (InstanceState s : InstanceState.values()) {
      if (s != InstanceState.DELETED) {
        gauge(registry, "toygres_instances", "state", s.dbName(), fleet, r -> r.state() == s);
      }
    }
    for (HealthStatus h : HealthStatus.values()) {
      gauge(
          registry,
          "toygres_instances_health",
          "health",
          h.dbName(),
          fleet,
          r -> r.state() == InstanceState.RUNNING && r.healthStatus() == h);
    }
  }

  private static void gauge(
      MeterRegistry registry,
      String name,
      String tag,
      String value,
      Supplier<List<InstanceRecord>> fleet,
      Predicate<InstanceRecord> p) {
    Gauge.builder(name, () -> fleet.get().stream().filter(p).count())
        .tag(tag, value)
        .description("live instances")
        .register(registry);
  }

  static final class Cached<T> implements Supplier<T> {
    private final Supplier<T> source;
    private final long ttlMillis;
    private Consumer<T> onRead = v -> {};
    private T value;
    private long at;

    Cached(Supplier<T> source, long ttlMillis) {
      this.source = source;
      this.ttlMillis = ttlMillis;
    }

    /** Also gives every fresh value to {@code listener}, as it is read. */
    synchronized void onRead(Consumer<T> listener) {
      onRead = listener;
    }

    @Override
    public synchronized T get() {
      long now = System.currentTimeMillis();
      if (value == null || now - at > ttlMillis) {
        at = now;
        try {
          value = source.get();
          onRead.accept(value);
        } catch (RuntimeException e) {
          if (value == null) {
            throw e;
          }
        }
      }
      return value;
    }
  }
}
