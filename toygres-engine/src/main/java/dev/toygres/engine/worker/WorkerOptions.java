package dev.toygres.engine.worker;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * How a {@link DurableWorker} runs. Dispatchers are the threads that poll the database (the
 * "pollers" of Temporal); activities run on up to {@code maxConcurrentActivities} threads.
 *
 * @param workerId this worker's name in leases (shown in the database), default host-pid-random
 * @param orchestrationDispatchers threads that fetch, replay and commit orchestration steps
 * @param activityDispatchers threads that fetch activity work items
 * @param maxConcurrentActivities activities running at once in this worker
 * @param activityBatchSize most activity work items one fetch leases
 * @param orchestrationBatchSize most instances one orchestration fetch leases; their steps commit
 *     together in one transaction
 * @param lease how long a fetched work item stays leased without renewal; a crashed worker's work
 *     is taken over after this long. Leases of work in progress are renewed every third of it.
 * @param pollInterval longest idle wait between polls (notifications usually wake dispatchers
 *     sooner)
 * @param maxDispatchCount a work item dispatched more often than this without completing is
 *     poisoned: the activity or orchestration fails with an error saying so
 * @param shutdownTimeout how long {@code close()} waits for work in progress
 * @param activityTimeout longest one activity attempt may run on this worker (default 10 minutes):
 *     past it the worker interrupts the activity's thread, stops renewing its lease and records the
 *     attempt as failed ({@code ActivityTimedOut}), so the orchestration's retry policy decides; a
 *     result the thread returns later is dropped. A ceiling: a shorter per-call {@code
 *     ActivityOptions.attemptTimeout} still applies (the orchestration's durable timer)
 * @param meterRegistry where the worker records its metrics (step and activity durations, commits,
 *     poisoned work items, lease takeovers; docs/metrics.md), or null (the default) for none.
 *     Counted and timed in memory only: metrics add no database round trip.
 * @param timerBatching how much longer than until the next timer an idle orchestration dispatcher
 *     sleeps (default 0; never past the poll interval), and how far apart the worker's caught-up
 *     dispatchers take turns to fetch again: timers due within it are fetched in one batch and
 *     their steps committed together instead of one fetch and one commit each, at the cost of up to
 *     about this much lateness. Work that is due at once (a wake-up notification) is not delayed
 * @param stepAffinity how long a due step waits for the worker that ran its instance's previous
 *     step before another worker may take it (default 0: any worker at once). With several
 *     processes on one database, each then keeps stepping the same instances, so what a step keeps
 *     in its process between steps (a kept connection of a local activity) is kept by one process,
 *     not all. A worker that is gone (stopped, crashed, restarted under a new id) costs each of its
 *     instances this much delay once, when another worker takes it over
 */
public record WorkerOptions(
    String workerId,
    int orchestrationDispatchers,
    int activityDispatchers,
    int maxConcurrentActivities,
    int activityBatchSize,
    int orchestrationBatchSize,
    Duration lease,
    Duration pollInterval,
    int maxDispatchCount,
    Duration shutdownTimeout,
    Duration activityTimeout,
    MeterRegistry meterRegistry,
    Duration timerBatching,
    Duration stepAffinity) {

  public WorkerOptions {
    Objects.requireNonNull(workerId, "workerId");
    positive(orchestrationDispatchers, "orchestrationDispatchers");
    positive(activityDispatchers, "activityDispatchers");
    positive(maxConcurrentActivities, "maxConcurrentActivities");
    positive(activityBatchSize, "activityBatchSize");
    positive(orchestrationBatchSize, "orchestrationBatchSize");
    positive(maxDispatchCount, "maxDispatchCount");
    if (lease.toMillis() < 100) {
      throw new IllegalArgumentException("lease must be at least 100ms, was " + lease);
    }
    if (pollInterval.toMillis() < 1) {
      throw new IllegalArgumentException("pollInterval must be at least 1ms, was " + pollInterval);
    }
    Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
    Objects.requireNonNull(activityTimeout, "activityTimeout");
    Objects.requireNonNull(timerBatching, "timerBatching");
    if (timerBatching.isNegative()) {
      throw new IllegalArgumentException(
          "timerBatching must not be negative, was " + timerBatching);
    }
    Objects.requireNonNull(stepAffinity, "stepAffinity");
    if (stepAffinity.isNegative()) {
      throw new IllegalArgumentException("stepAffinity must not be negative, was " + stepAffinity);
    }
    if (activityTimeout.toMillis() < 1) {
      throw new IllegalArgumentException(
          "activityTimeout must be at least 1ms, was " + activityTimeout);
    }
  }

  private static void positive(int v, String name) {
    if (v < 1) {
      throw new IllegalArgumentException(name + " must be at least 1, was " + v);
    }
  }

  public static WorkerOptions defaults() {
    String host = System.getenv().getOrDefault("HOSTNAME", "host");
    String id =
        host
            + "-"
            + ProcessHandle.current().pid()
            + "-"
            + UUID.randomUUID().toString().substring(0, 8);
    return new WorkerOptions(
        id,
        2,
        2,
        100,
        32,
        32,
        Duration.ofSeconds(30),
        Duration.ofSeconds(1),
        10,
        Duration.ofSeconds(30),
        Duration.ofMinutes(10),
        null,
        Duration.ZERO,
        Duration.ZERO);
  }

  public WorkerOptions withWorkerId(String v) {
    return new WorkerOptions(
        v,
        orchestrationDispatchers,
        activityDispatchers,
        maxConcurrentActivities,
        activityBatchSize,
        orchestrationBatchSize,
        lease,
        pollInterval,
        maxDispatchCount,
        shutdownTimeout,
        activityTimeout,
        meterRegistry,
        timerBatching,
        stepAffinity);
  }

  public WorkerOptions withMaxConcurrentActivities(int v) {
    return new WorkerOptions(
        workerId,
        orchestrationDispatchers,
        activityDispatchers,
        v,
        activityBatchSize,
        orchestrationBatchSize,
        lease,
        pollInterval,
        maxDispatchCount,
        shutdownTimeout,
        activityTimeout,
        meterRegistry,
        timerBatching,
        stepAffinity);
  }

  public WorkerOptions withActivityBatchSize(int v) {
    return new WorkerOptions(
        workerId,
        orchestrationDispatchers,
        activityDispatchers,
        maxConcurrentActivities,
        v,
        orchestrationBatchSize,
        lease,
        pollInterval,
        maxDispatchCount,
        shutdownTimeout,
        activityTimeout,
        meterRegistry,
        timerBatching,
        stepAffinity);
  }

  public WorkerOptions withOrchestrationBatchSize(int v) {
    return new WorkerOptions(
        workerId,
        orchestrationDispatchers,
        activityDispatchers,
        maxConcurrentActivities,
        activityBatchSize,
        v,
        lease,
        pollInterval,
        maxDispatchCount,
        shutdownTimeout,
        activityTimeout,
        meterRegistry,
        timerBatching,
        stepAffinity);
  }

  public WorkerOptions withLease(Duration v) {
    return new WorkerOptions(
        workerId,
        orchestrationDispatchers,
        activityDispatchers,
        maxConcurrentActivities,
        activityBatchSize,
        orchestrationBatchSize,
        v,
        pollInterval,
        maxDispatchCount,
        shutdownTimeout,
        activityTimeout,
        meterRegistry,
        timerBatching,
        stepAffinity);
  }

  public WorkerOptions withPollInterval(Duration v) {
    return new WorkerOptions(
        workerId,
        orchestrationDispatchers,
        activityDispatchers,
        maxConcurrentActivities,
        activityBatchSize,
        orchestrationBatchSize,
        lease,
        v,
        maxDispatchCount,
        shutdownTimeout,
        activityTimeout,
        meterRegistry,
        timerBatching,
        stepAffinity);
  }

  public WorkerOptions withMaxDispatchCount(int v) {
    return new WorkerOptions(
        workerId,
        orchestrationDispatchers,
        activityDispatchers,
        maxConcurrentActivities,
        activityBatchSize,
        orchestrationBatchSize,
        lease,
        pollInterval,
        v,
        shutdownTimeout,
        activityTimeout,
        meterRegistry,
        timerBatching,
        stepAffinity);
  }

  public WorkerOptions withShutdownTimeout(Duration v) {
    return new WorkerOptions(
        workerId,
        orchestrationDispatchers,
        activityDispatchers,
        maxConcurrentActivities,
        activityBatchSize,
        orchestrationBatchSize,
        lease,
        pollInterval,
        maxDispatchCount,
        v,
        activityTimeout,
        meterRegistry,
        timerBatching,
        stepAffinity);
  }

  /** Sets both dispatcher counts. */
  public WorkerOptions withDispatchers(int orchestrations, int activities) {
    return new WorkerOptions(
        workerId,
        orchestrations,
        activities,
        maxConcurrentActivities,
        activityBatchSize,
        orchestrationBatchSize,
        lease,
        pollInterval,
        maxDispatchCount,
        shutdownTimeout,
        activityTimeout,
        meterRegistry,
        timerBatching,
        stepAffinity);
  }

  public WorkerOptions withActivityTimeout(Duration v) {
    return new WorkerOptions(
        workerId,
        orchestrationDispatchers,
        activityDispatchers,
        maxConcurrentActivities,
        activityBatchSize,
        orchestrationBatchSize,
        lease,
        pollInterval,
        maxDispatchCount,
        shutdownTimeout,
        v,
        meterRegistry,
        timerBatching,
        stepAffinity);
  }

  /** Records the worker's metrics in {@code v} (null: none). */
  public WorkerOptions withMeterRegistry(MeterRegistry v) {
    return new WorkerOptions(
        workerId,
        orchestrationDispatchers,
        activityDispatchers,
        maxConcurrentActivities,
        activityBatchSize,
        orchestrationBatchSize,
        lease,
        pollInterval,
        maxDispatchCount,
        shutdownTimeout,
        activityTimeout,
        v,
        timerBatching,
        stepAffinity);
  }

  /** Sets {@code timerBatching}. */
  public WorkerOptions withTimerBatching(Duration v) {
    return new WorkerOptions(
        workerId,
        orchestrationDispatchers,
        activityDispatchers,
        maxConcurrentActivities,
        activityBatchSize,
        orchestrationBatchSize,
        lease,
        pollInterval,
        maxDispatchCount,
        shutdownTimeout,
        activityTimeout,
        meterRegistry,
        v,
        stepAffinity);
  }

  /** Sets {@code stepAffinity}. */
  public WorkerOptions withStepAffinity(Duration v) {
    return new WorkerOptions(
        workerId,
        orchestrationDispatchers,
        activityDispatchers,
        maxConcurrentActivities,
        activityBatchSize,
        orchestrationBatchSize,
        lease,
        pollInterval,
        maxDispatchCount,
        shutdownTimeout,
        activityTimeout,
        meterRegistry,
        timerBatching,
        v);
  }
}
