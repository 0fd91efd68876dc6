package dev.toygres.engine.worker.internal;

import dev.toygres.engine.store.internal.WorkQueues;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Renews the leases of work in progress every third of the lease, in one statement per queue. */
public final class LeaseKeeper implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);
  private final WorkQueues queues;
  private final Duration lease;
  private final Map<UUID, Integer> orchestrations = new ConcurrentHashMap<>();
  private final Map<UUID, Integer> activities = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer;
  private final Heartbeat heartbeat = new Heartbeat("lease-keeper");

  public LeaseKeeper(WorkQueues queues, Duration lease, String workerId) {
    this.queues = queues;
    this.lease = lease;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "durable-lease-" + workerId);
              t.setDaemon(true);
              return t;
            });
    long period = Math.max(lease.toMillis() / 3, 30);
    timer.scheduleWithFixedDelay(this::renew, period, period, TimeUnit.MILLISECONDS);
  }

  public void holdOrchestration(UUID token) {
    orchestrations.merge(token, 1, Integer::sum);
  }

  public void releaseOrchestration(UUID token) {
    orchestrations.computeIfPresent(token, (k, n) -> n <= 1 ? null : n - 1);
  }

  public void holdActivity(UUID token) {
    activities.merge(token, 1, Integer::sum);
  }

  public void releaseActivity(UUID token) {
    activities.computeIfPresent(token, (k, n) -> n <= 1 ? null : n - 1);
  }

  public Heartbeat heartbeat() {
    return heartbeat;
  }

  private void renew() {
    if (orchestrations.isEmpty() && activities.isEmpty()) {
      heartbeat.beat("idle");
      return;
    }
    try {
      heartbeat.doing("renewing");
      queues.renewLeases(
          List.copyOf(orchestrations.keySet()), List.copyOf(activities.keySet()), lease);
      heartbeat.beat("waiting");
    } catch (RuntimeException e) {
      LOG.warn("could not renew leases: {}", e.getMessage());
      heartbeat.failed(e);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
