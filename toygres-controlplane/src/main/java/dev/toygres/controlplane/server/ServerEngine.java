package dev.toygres.controlplane.server;

import dev.toygres.controlplane.config.ServerConfig;
import dev.toygres.engine.worker.WorkerOptions;
import java.time.Duration;

/**
 * How a Toygres server sizes its engine: the metadata connection pool and the worker's options. The
 * server and the fleet benchmark both read them here, so the benchmark runs what the server runs.
 */
public final class ServerEngine {
  /** Connections in the server's one metadata pool. */
  public static final int POOL_SIZE = 20;

  /** Threads that fetch activities (provisioning steps; the actors' checks run in their steps). */
  public static final int ACTIVITY_DISPATCHERS = 2;

  /** Activities one server's worker runs at once (health checks, provisioning steps). */
  public static final int ACTIVITY_SLOTS = 64;

  /**
   * How much later than its next timer an idle dispatcher wakes ({@code
   * WorkerOptions.timerBatching}): the instance actors' timers, due a few milliseconds apart in a
   * large fleet, are then fetched and committed some tens at a time instead of one by one, for at
   * most this much lateness of a check.
   */
  public static final Duration TIMER_BATCHING = Duration.ofMillis(100);

  /**
   * How long a due step of an instance waits for the server process that ran its previous step
   * ({@code WorkerOptions.stepAffinity}) before another may take it. With several servers on one
   * metadata database, each keeps checking the same instances and so keeps probe connections to its
   * share of them only; a server that stopped or crashed costs each of its instances this much
   * lateness once, when another takes it over.
   */
  public static final Duration STEP_AFFINITY = Duration.ofSeconds(1);

  private ServerEngine() {}

  /**
   * The server's worker options: the engine's defaults with the configured orchestration
   * dispatchers ({@code --orchestration-dispatchers}) and {@link #ACTIVITY_DISPATCHERS}, {@link
   * #ACTIVITY_SLOTS} activity slots, the configured worker lease and activity timeout, and {@link
   * #TIMER_BATCHING} and {@link #STEP_AFFINITY}.
   */
  public static WorkerOptions workerOptions(ServerConfig cfg) {
    return WorkerOptions.defaults()
        .withDispatchers(cfg.orchestrationDispatchers(), ACTIVITY_DISPATCHERS)
        .withMaxConcurrentActivities(ACTIVITY_SLOTS)
        .withLease(cfg.workerLease())
        .withActivityTimeout(cfg.activityTimeout())
        .withTimerBatching(TIMER_BATCHING)
        .withStepAffinity(STEP_AFFINITY);
  }
}
