package dev.toygres.engine.worker.internal;

import dev.toygres.engine.history.HistoryEvent.ActivityCompleted;
import dev.toygres.engine.history.HistoryEvent.Completion;
import dev.toygres.engine.store.internal.ActivityWorkItem;
import dev.toygres.engine.store.internal.WorkQueues;
import dev.toygres.engine.worker.Registry;
import dev.toygres.engine.worker.WorkerOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls activity work with a few threads and runs it on up to {@code maxConcurrentActivities}
 * threads; outcomes go to the {@link CompletionWriter}.
 */
public final class ActivityDispatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ActivityDispatcher.class);
  private final WorkQueues queues;
  private final WorkSignal signal;
  private final LeaseKeeper leases;
  private final WorkerOptions options;
  private final ActivityRunner runner;
  private final CompletionWriter writer;
  private final Semaphore slots;
  private final ExecutorService executor;
  private final ActivityAttempts attempts;
  private final Thread[] pollers;
  private final Heartbeat[] heartbeats;
  private final WorkerMetrics metrics;
  private volatile boolean running = true;

  public ActivityDispatcher(
      WorkQueues queues,
      Registry registry,
      WorkSignal signal,
      LeaseKeeper leases,
      WorkerOptions options,
      WorkerMetrics metrics,
      Runnable onOutcomesWritten) {
    this.queues = queues;
    this.signal = signal;
    this.leases = leases;
    this.options = options;
    this.metrics = metrics;
    this.runner =
        new ActivityRunner(registry, options.maxDispatchCount(), queues::fenceOf, metrics);
    this.writer = new CompletionWriter(queues, leases, onOutcomesWritten, options.workerId());
    this.slots = new Semaphore(options.maxConcurrentActivities());
    AtomicInteger n = new AtomicInteger();
    // Not a fixed pool: a timed-out activity that ignores its interrupt keeps its thread while its
    // slot is reused, and a fixed pool would then queue new attempts behind it, leased but unrun.
    this.executor =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            60,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> {
              Thread t =
                  new Thread(
                      r, "durable-activity-" + options.workerId() + "-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.attempts = new ActivityAttempts(options, leases, writer, slots::release);
    this.pollers = new Thread[options.activityDispatchers()];
    this.heartbeats = new Heartbeat[pollers.length];
    for (int i = 0; i < pollers.length; i++) {
      Heartbeat h = new Heartbeat("activity-dispatcher-" + i);
      heartbeats[i] = h;
      pollers[i] =
          new Thread(() -> poll(h), "durable-activity-poll-" + options.workerId() + "-" + i);
      pollers[i].setDaemon(true);
      pollers[i].start();
    }
  }

  /** The pollers' heartbeats, then the completion writer's. */
  public List<Heartbeat> heartbeats() {
    List<Heartbeat> all = new java.util.ArrayList<>(List.of(heartbeats));
    all.add(writer.heartbeat());
    return all;
  }

  private void poll(Heartbeat heartbeat) {
    String allBusy = "all " + options.maxConcurrentActivities() + " activity slots busy";
    while (running) {
      int permits = 0;
      try {
        // Timed, so that a worker whose slots are all busy still beats (it is not stuck), and says
        // so in its state until a slot frees.
        if (!slots.tryAcquire(options.pollInterval().toMillis(), TimeUnit.MILLISECONDS)) {
          heartbeat.beat(allBusy);
          continue;
        }
        permits = 1;
        heartbeat.doing("polling");
        permits += drainUpTo(options.activityBatchSize() - 1);
        long seen = signal.generation();
        long fetchedAt = System.nanoTime();
        List<ActivityWorkItem> items =
            running
                ? queues.fetchActivityWorkItems(options.workerId(), permits, options.lease())
                : List.of();
        for (ActivityWorkItem item : items) {
          leases.holdActivity(item.lockToken(), fetchedAt);
          if (item.takenOver()) {
            metrics.takeovers(1);
          }
        }
        slots.release(permits - items.size());
        permits = 0;
        for (ActivityWorkItem item : items) {
          RunningActivity run = attempts.add(item);
          executor.execute(() -> execute(run));
        }
        if (items.isEmpty() && running) {
          heartbeat.beat("idle");
          signal.await(
              seen,
              IdleWait.millis(
                  () -> queues.nextActivityVisibleAt(IdleWait.since(fetchedAt)),
                  options.pollInterval()));
        }
        heartbeat.beat("polling");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Throwable e) {
        LOG.warn("activity dispatcher: {}", e.toString());
        heartbeat.failed(e);
        sleepQuietly(500);
      } finally {
        slots.release(permits);
      }
    }
  }

  private int drainUpTo(int max) {
    int got = 0;
    while (got < max && slots.tryAcquire()) {
      got++;
    }
    return got;
  }

  private void execute(RunningActivity run) {
    ActivityWorkItem item = run.item;
    try {
      if (!running || !leases.activityLeaseValid(item.lockToken())) {
        if (running) {
          LOG.warn(
              "activity work item {} of '{}' is not run: its lease ran out before it could start "
                  + "(was this process paused?); giving it back",
              item.id(),
              item.instanceId());
        }
        if (run.settle()) {
          giveBack(run);
        }
        return;
      }
      attempts.starting(run);
      Completion outcome;
      long started = System.nanoTime();
      try {
        outcome = runner.run(item);
      } finally {
        run.finished();
      }
      metrics.activity(
          item.name(), outcome instanceof ActivityCompleted, System.nanoTime() - started);
      if (run.settle()) {
        writer.submit(item, outcome);
        attempts.release(run);
      } else {
        LOG.info(
            "activity work item {} of '{}' returned after it timed out or lost its lease; its "
                + "result is dropped",
            item.id(),
            item.instanceId());
      }
    } catch (Throwable e) {
      LOG.warn("activity work item {} could not be handled: {}", item.id(), e.toString());
      if (run.settle()) {
        leases.releaseActivity(item.lockToken());
        attempts.release(run);
      }
    }
  }

  private void giveBack(RunningActivity run) {
    try {
      queues.abandonActivity(run.item, Duration.ZERO);
    } catch (RuntimeException e) {
      LOG.warn("could not give back activity work item {}: {}", run.item.id(), e.getMessage());
    } finally {
      leases.releaseActivity(run.item.lockToken());
      attempts.release(run);
    }
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Stops polling, lets running activities finish (up to the shutdown timeout), writes outcomes.
   */
  @Override
  public void close() {
    running = false;
    for (Thread t : pollers) {
      t.interrupt();
    }
    executor.shutdown();
    try {
      if (!executor.awaitTermination(options.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn(
            "activities still running after {}; they run again elsewhere after their lease",
            options.shutdownTimeout());
        executor.shutdownNow();
      }
      for (Thread t : pollers) {
        t.join(2000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    attempts.close();
    writer.close();
  }
}
