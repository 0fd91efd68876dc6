package dev.toygres.engine.worker.internal;

import dev.toygres.engine.FailureDetails;
import dev.toygres.engine.history.HistoryEvent.ActivityFailed;
import dev.toygres.engine.store.internal.ActivityWorkItem;
import dev.toygres.engine.store.internal.HeldLeases;
import dev.toygres.engine.worker.WorkerOptions;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The activity attempts in flight on this worker, and the two ways one ends before its code
 * returns: its attempt timeout fires (the attempt is recorded as failed) or a lease renewal finds
 * its work item taken over (its outcome is dropped). Either way its thread is interrupted and its
 * slot freed at once.
 */
final class ActivityAttempts implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ActivityAttempts.class);
  private static final Duration GRACE = Duration.ofSeconds(1);
  private final WorkerOptions options;
  private final LeaseKeeper leases;
  private final CompletionWriter writer;
  private final Runnable freeSlot;
  private final Map<Long, RunningActivity> inFlight = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timeouts;

  ActivityAttempts(
      WorkerOptions options, LeaseKeeper leases, CompletionWriter writer, Runnable freeSlot) {
    this.options = options;
    this.leases = leases;
    this.writer = writer;
    this.freeSlot = freeSlot;
    this.timeouts =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "durable-activity-timeouts-" + options.workerId());
              t.setDaemon(true);
              return t;
            });
    leases.onRenewed(this::renewed);
  }

  /** Tracks a fetched item until its attempt is settled. */
  RunningActivity add(ActivityWorkItem item) {
    RunningActivity run = new RunningActivity(item);
    inFlight.put(item.id(), run);
    return run;
  }

  /** The attempt's code starts on the calling thread now: its timeout starts too. */
  void starting(RunningActivity run) {
    run.runningOn(Thread.currentThread());
    run.timeoutIs(
        timeouts.schedule(
            () -> timedOut(run), limitOf(run.item).toMillis(), TimeUnit.MILLISECONDS));
  }

  /**
   * The longest an attempt may run: the worker's {@code activityTimeout}, or, if shorter, the
   * call's own attempt timeout plus a grace (a tenth, at least a second), so that the
   * orchestration's durable timer, which gives that timeout its meaning ({@code
   * TaskTimeoutException}), normally fires first; the worker then only frees the thread and the
   * lease.
   */
  Duration limitOf(ActivityWorkItem item) {
    Duration worker = options.activityTimeout();
    Duration call = item.attemptTimeout();
    if (call == null) {
      return worker;
    }
    Duration grace = call.dividedBy(10);
    Duration withGrace = call.plus(grace.compareTo(GRACE) < 0 ? GRACE : grace);
    return withGrace.compareTo(worker) < 0 ? withGrace : worker;
  }

  /** Forgets a settled attempt and frees its slot. */
  void release(RunningActivity run) {
    inFlight.remove(run.item.id(), run);
    freeSlot.run();
  }

  private void timedOut(RunningActivity run) {
    // Runs on a scheduled executor, which would never run a task again after one threw.
    try {
      if (!run.settle()) {
        return;
      }
      ActivityWorkItem item = run.item;
      Duration limit = limitOf(item);
      LOG.warn(
          "activity '{}' (work item {}) of '{}' timed out after {}; interrupting it and recording "
              + "the attempt as failed",
          item.name(),
          item.id(),
          item.instanceId(),
          limit);
      run.interrupt();
      writer.submit(item, new ActivityFailed(item.taskId(), timedOutFailure(item, limit)));
      release(run);
    } catch (Throwable e) {
      LOG.warn("could not time out activity work item {}: {}", run.item.id(), e.toString());
    }
  }

  private FailureDetails timedOutFailure(ActivityWorkItem item, Duration limit) {
    return FailureDetails.of(
        "ActivityTimedOut",
        "activity '"
            + item.name()
            + "' of instance '"
            + item.instanceId()
            + "' timed out after "
            + limit
            + " on worker "
            + options.workerId()
            + " (dispatch "
            + item.dispatchCount()
            + "); its thread was interrupted and a later result is dropped");
  }

  /**
   * Fencing: an activity whose work item is no longer leased under its token (another worker took
   * it over after this process was paused past the lease, or its instance ended) is interrupted and
   * its outcome dropped. Only items under tokens the renewal asked about are judged.
   */
  private void renewed(Set<UUID> asked, HeldLeases held) {
    for (RunningActivity run : inFlight.values()) {
      ActivityWorkItem item = run.item;
      if (!asked.contains(item.lockToken())
          || held.holdsActivity(item.id(), item.lockToken())
          || !run.settle()) {
        continue;
      }
      LOG.warn(
          "activity '{}' (work item {}) of '{}' lost its lease (another worker has it, or its "
              + "instance ended); interrupting it and dropping its outcome",
          item.name(),
          item.id(),
          item.instanceId());
      run.interrupt();
      leases.releaseActivity(item.lockToken());
      release(run);
    }
  }

  @Override
  public void close() {
    timeouts.shutdownNow();
  }
}
