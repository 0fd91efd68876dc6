package dev.toygres.engine.worker.internal;

import dev.toygres.engine.store.internal.HeldLeases;
import dev.toygres.engine.store.internal.WorkQueues;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews the leases of work in progress every third of the lease, in one statement per queue, and
 * tells the activity dispatcher which leases it no longer holds (fencing after a pause). Also
 * keeps, per activity token, until when its lease is surely held by the local monotonic clock.
 */
public final class LeaseKeeper implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);
  private final WorkQueues queues;
  private final Duration lease;
  private final Map<UUID, Held> orchestrations = new ConcurrentHashMap<>();
  private final Map<UUID, Integer> activities = new ConcurrentHashMap<>();
  private final Map<UUID, Long> activityDeadlines = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer;
  private final Heartbeat heartbeat = new Heartbeat("lease-keeper");
  private volatile BiConsumer<Set<UUID>, HeldLeases> onRenewed = (asked, held) -> {};

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

  /**
   * Called after each successful renewal with the activity tokens it renewed and what is still held
   * (never concurrently). Only work under those tokens can be judged: work fetched meanwhile was
   * not asked about.
   */
  public void onRenewed(BiConsumer<Set<UUID>, HeldLeases> listener) {
    this.onRenewed = listener;
  }

  /** Holds an orchestration token and the instances its fetch leased under it. */
  public void holdOrchestration(UUID token, Collection<String> instances) {
    orchestrations.merge(
        token,
        new Held(1, Set.copyOf(instances)),
        (a, b) -> new Held(a.count() + 1, union(a.instances(), b.instances())));
  }

  public void releaseOrchestration(UUID token) {
    orchestrations.computeIfPresent(
        token, (k, h) -> h.count() <= 1 ? null : new Held(h.count() - 1, h.instances()));
  }

  /** How many holds an orchestration token has, and its instances. */
  private record Held(int count, Set<String> instances) {}

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new HashSet<>(a);
    all.addAll(b);
    return Set.copyOf(all);
  }

  /**
   * Holds an activity token whose items were leased by a fetch sent at {@code fetchedAtNanos}
   * ({@link System#nanoTime()}): their lease surely lasts until then plus the lease.
   */
  public void holdActivity(UUID token, long fetchedAtNanos) {
    activityDeadlines.merge(token, fetchedAtNanos + lease.toNanos(), Math::max);
    activities.merge(token, 1, Integer::sum);
  }

  public void releaseActivity(UUID token) {
    activities.computeIfPresent(
        token,
        (k, n) -> {
          if (n <= 1) {
            activityDeadlines.remove(k);
            return null;
          }
          return n - 1;
        });
  }

  /**
   * Whether the lease under {@code token} is surely still held by the local monotonic clock: false
   * once the lease has run out since the fetch or the last renewal (e.g. the JVM was paused).
   */
  public boolean activityLeaseValid(UUID token) {
    Long deadline = activityDeadlines.get(token);
    return deadline != null && System.nanoTime() - deadline < 0;
  }

  public Heartbeat heartbeat() {
    return heartbeat;
  }

  private void renew() {
    // A task of a ScheduledExecutorService that throws is never run again: nothing may escape.
    try {
      if (orchestrations.isEmpty() && activities.isEmpty()) {
        heartbeat.beat("idle");
        return;
      }
      heartbeat.doing("renewing");
      long sent = System.nanoTime();
      Set<UUID> asked = Set.copyOf(activities.keySet());
      Map<UUID, Set<String>> leased = new HashMap<>();
      orchestrations.forEach((token, h) -> leased.put(token, h.instances()));
      HeldLeases held = queues.renewLeases(leased, asked, lease);
      for (UUID token : held.activityTokens()) {
        activityDeadlines.computeIfPresent(token, (k, d) -> Math.max(d, sent + lease.toNanos()));
      }
      onRenewed.accept(asked, held);
      heartbeat.beat("waiting");
    } catch (Throwable e) {
      LOG.warn("could not renew leases: {}", e.toString());
      heartbeat.failed(e);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
