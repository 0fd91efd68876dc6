package dev.toygres.engine.worker.internal;

import dev.toygres.engine.store.internal.OrchestrationWorkItem;
import dev.toygres.engine.store.internal.StepCommit;
import dev.toygres.engine.store.internal.WorkQueues;
import dev.toygres.engine.worker.WorkerOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One polling thread's loop: lease an instance, run its step, commit; sleep when idle. */
public final class OrchestrationDispatcher implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(OrchestrationDispatcher.class);
  private final WorkQueues queues;
  private final StepProcessor processor;
  private final WorkSignal signal;
  private final LeaseKeeper leases;
  private final WorkerOptions options;
  private final Runnable onActivityWork;
  private final Heartbeat heartbeat;
  private final WorkerMetrics metrics;
  private volatile boolean running = true;

  public OrchestrationDispatcher(
      String name,
      WorkQueues queues,
      StepProcessor processor,
      WorkSignal signal,
      LeaseKeeper leases,
      WorkerOptions options,
      WorkerMetrics metrics,
      Runnable onActivityWork) {
    this.queues = queues;
    this.processor = processor;
    this.signal = signal;
    this.leases = leases;
    this.options = options;
    this.metrics = metrics;
    this.onActivityWork = onActivityWork;
    this.heartbeat = new Heartbeat(name);
  }

  public Heartbeat heartbeat() {
    return heartbeat;
  }

  public void stop() {
    running = false;
  }

  @Override
  public void run() {
    while (running) {
      long seen = signal.generation();
      long looked = System.nanoTime();
      try {
        List<OrchestrationWorkItem> items =
            queues.fetchOrchestrationWorkItems(
                options.workerId(), options.orchestrationBatchSize(), options.lease());
        if (!items.isEmpty()) {
          heartbeat.doing("stepping " + items.size() + " instances");
          handle(items);
          heartbeat.beat("polling");
        } else if (running) {
          heartbeat.beat("idle");
          signal.await(
              seen,
              IdleWait.millis(
                  () -> queues.nextOrchestrationVisibleAt(IdleWait.since(looked)),
                  options.pollInterval()));
          heartbeat.beat("polling");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Throwable e) {
        // Anything, an Error too: a dead dispatcher thread would leave the worker half alive.
        LOG.warn("orchestration dispatcher: {}", e.toString());
        heartbeat.failed(e);
        pause();
      }
    }
  }

  private void handle(List<OrchestrationWorkItem> items) {
    leases.holdOrchestration(items.get(0).lockToken());
    try {
      List<StepCommit> steps = new ArrayList<>(items.size());
      List<OrchestrationWorkItem> stepped = new ArrayList<>(items.size());
      List<Long> replayNanos = new ArrayList<>(items.size());
      for (OrchestrationWorkItem item : items) {
        if (item.takenOver()) {
          metrics.takeovers(1);
        }
        long started = System.nanoTime();
        try {
          StepCommit step = processor.process(item);
          if (step == null) {
            queues.discardMessages(item);
          } else {
            steps.add(step);
            stepped.add(item);
            replayNanos.add(System.nanoTime() - started);
          }
        } catch (RuntimeException | Error e) {
          // Any Error from orchestration code must be abandoned here, so that it counts towards
          // poisoning instead of killing this dispatcher thread.
          abandon(item, e);
        }
      }
      if (!steps.isEmpty()) {
        commit(steps, stepped, replayNanos);
      }
    } finally {
      leases.releaseOrchestration(items.get(0).lockToken());
    }
  }

  /**
   * Commits the steps together; if that fails, one by one, abandoning each that still fails. A
   * committed step's duration is its replay plus the commit it was part of.
   */
  private void commit(
      List<StepCommit> steps, List<OrchestrationWorkItem> items, List<Long> replayNanos) {
    long commitStarted = System.nanoTime();
    boolean[] written;
    try {
      written = queues.commitSteps(steps);
    } catch (RuntimeException batchFailed) {
      if (steps.size() == 1) {
        abandon(items.get(0), batchFailed);
        return;
      }
      LOG.warn(
          "committing {} steps together failed ({}); committing them one by one",
          steps.size(),
          batchFailed.getMessage());
      written = new boolean[steps.size()];
      for (int i = 0; i < steps.size(); i++) {
        try {
          written[i] = queues.commitSteps(List.of(steps.get(i)))[0];
        } catch (RuntimeException e) {
          abandon(items.get(i), e);
          steps.set(i, null);
        }
      }
    }
    long commitNanos = System.nanoTime() - commitStarted;
    boolean activities = false;
    boolean messages = false;
    int committed = 0;
    for (int i = 0; i < steps.size(); i++) {
      StepCommit step = steps.get(i);
      if (step == null) {
        continue;
      }
      if (!written[i]) {
        LOG.warn(
            "lease on instance '{}' was lost before its step committed; another worker has it",
            step.instanceId());
        continue;
      }
      committed++;
      metrics.step(items.get(i).name(), replayNanos.get(i) + commitNanos);
      activities |= !step.activities().isEmpty();
      messages |=
          !step.messages().isEmpty() || step.next() != null || !step.newInstances().isEmpty();
    }
    metrics.commits(committed);
    if (activities) {
      onActivityWork.run();
    }
    if (messages) {
      signal.signal();
    }
  }

  private void abandon(OrchestrationWorkItem item, Throwable e) {
    LOG.warn(
        "step of '{}' failed (dispatch {}): {}",
        item.instanceId(),
        item.dispatchCount(),
        e.toString());
    Duration backoff =
        Duration.ofMillis(Math.min(30_000, 250L << Math.min(item.dispatchCount(), 7)));
    try {
      queues.abandonOrchestrationWorkItem(item, e.toString(), backoff);
    } catch (RuntimeException again) {
      LOG.warn("could not abandon '{}': {}", item.instanceId(), again.getMessage());
    }
  }

  private static void pause() {
    try {
      Thread.sleep(500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
