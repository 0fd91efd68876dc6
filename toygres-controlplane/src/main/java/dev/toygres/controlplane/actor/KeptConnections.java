package dev.toygres.controlplane.actor;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * Connections kept between probes, at most one per instance's server, in this process only (a probe
 * may run in any server sharing the database: each keeps its own, best effort). A probe {@link
 * #take takes} the server's connection out (so two probes of one server at once never share one:
 * the second opens its own) and {@link #keep gives it back} when it answered. A kept connection is
 * not given out once it has lived its life, or when the probe's secret is not the one it was opened
 * with, so the server's authentication is tested again at least every {@code maxAge}. A
 * connection's life is drawn between half of {@code maxAge} and {@code maxAge}, so that connections
 * opened together (a server's start, a fleet's launch or recovery) are not all opened again at once
 * every {@code maxAge}: their logins spread out, more with every renewal. One unused for {@code
 * maxIdle} (its instance stopped, deleted, or watched from another process now) is closed by the
 * next sweep, which any take or keep runs when the last one is {@code maxIdle / 4} old. At most
 * {@code maxKept} are kept; beyond, a probe closes its connection as before.
 *
 * @param <C> the connection: anything closeable
 */
final class KeptConnections<C extends AutoCloseable> implements AutoCloseable {
  /**
   * One instance's server: the instance, and the socket directory and port its probe reaches (the
   * server itself, or a pooler in front of it, as in the fleet benchmark, where many instances
   * share a few servers behind pgbouncers and each still keeps its own client connection).
   */
  record Server(UUID instance, String socketDir, int port) {
    Server {
      Objects.requireNonNull(instance, "instance");
      Objects.requireNonNull(socketDir, "socketDir");
    }
  }

  /**
   * A connection out of the cache, with what it was opened with, when, and how long it may be given
   * out from then.
   */
  record Kept<C>(C connection, int secret, long openedNanos, long lifeNanos) {}

  private final Map<Server, Kept<C>> kept = new ConcurrentHashMap<>();
  private final Map<Server, Long> usedAt = new ConcurrentHashMap<>();
  private final long maxAgeNanos;
  private final long maxIdleNanos;
  private final int maxKept;
  private final LongSupplier clock;
  private final DoubleSupplier spread;
  private final AtomicLong lastSweep;

  /** Connections whose lives are drawn at random between {@code maxAge / 2} and {@code maxAge}. */
  KeptConnections(Duration maxAge, Duration maxIdle, int maxKept, LongSupplier nanoClock) {
    this(maxAge, maxIdle, maxKept, nanoClock, () -> ThreadLocalRandom.current().nextDouble());
  }

  /**
   * As {@link #KeptConnections(Duration, Duration, int, LongSupplier)}, a connection living {@code
   * maxAge} less {@code spread}'s value (0 inclusive to 1 exclusive) times half of it.
   */
  KeptConnections(
      Duration maxAge,
      Duration maxIdle,
      int maxKept,
      LongSupplier nanoClock,
      DoubleSupplier spread) {
    this.maxAgeNanos = maxAge.toNanos();
    this.maxIdleNanos = maxIdle.toNanos();
    this.maxKept = maxKept;
    this.clock = nanoClock;
    this.spread = spread;
    this.lastSweep = new AtomicLong(nanoClock.getAsLong());
  }

  /** A fresh entry for a connection opened now with {@code secret}, with a life of its own. */
  Kept<C> opened(C connection, String secret) {
    double d = Math.min(Math.max(spread.getAsDouble(), 0.0), 1.0);
    long life = maxAgeNanos - (long) (d * (maxAgeNanos / 2));
    return new Kept<>(connection, secret.hashCode(), clock.getAsLong(), life);
  }

  /**
   * The kept connection of {@code server}, taken out of the cache, if there is one opened with
   * {@code secret} and still within its life; null otherwise (one too old or opened with another
   * secret is closed).
   */
  Kept<C> take(Server server, String secret) {
    sweepIfDue();
    Kept<C> k = kept.remove(server);
    if (k == null) {
      return null;
    }
    usedAt.remove(server);
    if (k.secret() != secret.hashCode() || clock.getAsLong() - k.openedNanos() >= k.lifeNanos()) {
      closeQuietly(k.connection());
      return null;
    }
    return k;
  }

  /**
   * Keeps {@code k} for the next probe of {@code server}; closes it instead when another one was
   * kept meanwhile or when {@code maxKept} are kept.
   */
  void keep(Server server, Kept<C> k) {
    sweepIfDue();
    if (kept.size() >= maxKept || kept.putIfAbsent(server, k) != null) {
      closeQuietly(k.connection());
      return;
    }
    usedAt.put(server, clock.getAsLong());
  }

  /** Closes the kept connection of {@code server}, if any. */
  void forget(Server server) {
    Kept<C> k = kept.remove(server);
    usedAt.remove(server);
    if (k != null) {
      closeQuietly(k.connection());
    }
  }

  /** How many connections are kept now. */
  int size() {
    return kept.size();
  }

  /** Closes every kept connection unused for {@code maxIdle}; returns how many. */
  int sweep() {
    long now = clock.getAsLong();
    lastSweep.set(now);
    int closed = 0;
    for (Map.Entry<Server, Long> e : usedAt.entrySet()) {
      if (now - e.getValue() >= maxIdleNanos && usedAt.remove(e.getKey(), e.getValue())) {
        Kept<C> k = kept.remove(e.getKey());
        if (k != null) {
          closeQuietly(k.connection());
          closed++;
        }
      }
    }
    return closed;
  }

  private void sweepIfDue() {
    long last = lastSweep.get();
    if (clock.getAsLong() - last >= maxIdleNanos / 4 && lastSweep.compareAndSet(last, last + 1)) {
      sweep();
    }
  }

  /** Closes every kept connection. */
  @Override
  public void close() {
    for (Server s : kept.keySet()) {
      forget(s);
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // a broken connection: nothing more to free
    }
  }
}
