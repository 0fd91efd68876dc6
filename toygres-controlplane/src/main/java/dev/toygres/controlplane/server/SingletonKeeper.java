package dev.toygres.controlplane.server;

import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.client.DurableClient;
import dev.toygres.engine.client.InstanceInfo;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the control plane's singleton orchestrations (the supervisor, the pruner) running: one that
 * ended (cancelled through the API, terminated, failed, poisoned) or vanished is started again
 * under its fixed id, logged, and counted in {@code toygres_singleton_restarts_total{singleton}}.
 * Safe when several servers, or the supervisor's round and this server's watch thread, do it at
 * once: the engine starts one.
 */
final class SingletonKeeper {
  private static final Logger LOG = LoggerFactory.getLogger(SingletonKeeper.class);

  /** A singleton: its label (for people and the metric), orchestration name, fixed id, input. */
  record Singleton(String label, String orchestration, String instanceId, Object input) {}

  private final DurableClient engine;
  private final MeterRegistry metrics;
  private final List<Singleton> singletons;
  private final Map<String, Counter> restarts = new ConcurrentHashMap<>();

  SingletonKeeper(DurableClient engine, MeterRegistry metrics, List<Singleton> singletons) {
    this.engine = engine;
    this.metrics = metrics;
    this.singletons = List.copyOf(singletons);
    this.singletons.forEach(this::counter);
  }

  /**
   * Starts every singleton that does not run; the first start of a fresh database is no restart.
   */
  void ensureAll(String by) {
    for (Singleton s : singletons) {
      ensure(s, by);
    }
  }

  /** Starts the singleton labelled {@code label} if it does not run. */
  void ensure(String label, String by) {
    singletons.stream().filter(s -> s.label().equals(label)).forEach(s -> ensure(s, by));
  }

  private void ensure(Singleton s, String by) {
    Optional<InstanceInfo> before = engine.getInstance(s.instanceId());
    if (before.isPresent() && before.get().status() == OrchestrationStatus.RUNNING) {
      return;
    }
    if (!engine.startIfNotRunning(s.orchestration(), s.instanceId(), s.input())) {
      return;
    }
    if (before.isEmpty()) {
      LOG.info("{} ({}) started by {}", s.label(), s.instanceId(), by);
      return;
    }
    InstanceInfo ended = before.get();
    counter(s).increment();
    LOG.warn(
        "{} ({}) had ended ({}{}); started again by {}",
        s.label(),
        s.instanceId(),
        ended.status().dbName(),
        ended.failure() == null ? "" : ": " + ended.failure().message(),
        by);
  }

  /** How many times this server started {@code label} again. */
  double restarts(String label) {
    Counter c = restarts.get(label);
    return c == null ? 0 : c.count();
  }

  private Counter counter(Singleton s) {
    return restarts.computeIfAbsent(
        s.label(),
        l ->
            Counter.builder("toygres_singleton_restarts")
                .tag("singleton", l)
                .description("ended control plane singletons this server started again")
                .register(metrics));
  }
}
