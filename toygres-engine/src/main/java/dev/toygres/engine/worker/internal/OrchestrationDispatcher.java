package dev.toygres.engine.worker.internal;

import dev.toygres.engine.store.internal.OrchestrationWorkItem;
import dev.toygres.engine.store.internal.OutboundMessage;
import dev.toygres.engine.store.internal.StepCommit;
import dev.toygres.engine.store.internal.WorkQueues;
import dev.toygres.engine.worker.WorkerOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One polling thread's loop: lease a batch of instances, run their steps (at once, on the step
 * threads, when there are several), commit; sleep when idle.
 */
public final class OrchestrationDispatcher implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(OrchestrationDispatcher.class);
  static final long MIN_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  private final WorkQueues queues;
  private final StepProcessor processor;
  private final Executor steps;
  private final WorkSignal signal;
  private final FetchTurns turns;
  private final LeaseKeeper leases;
  private final WorkerOptions options;
  private final Runnable onActivityWork;
  private final Heartbeat heartbeat;
  private final WorkerMetrics metrics;
  private volatile boolean running = true;

  /**
   * @param steps the threads that run a batch's steps at once (null: one after the other, on this
   *     thread); it must not queue work behind a full pool, since this thread waits for every step
   * @param turns the worker's turns for dispatchers that are caught up, shared by its dispatchers
   */
  public OrchestrationDispatcher(
      String name,
      WorkQueues queues,
      StepProcessor processor,
      Executor steps,
      WorkSignal signal,
      FetchTurns turns,
      LeaseKeeper leases,
      WorkerOptions options,
      WorkerMetrics metrics,
      Runnable onActivityWork) {
    this.queues = queues;
    this.processor = processor;
    this.steps = steps;
    this.signal = signal;
    this.turns = turns;
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
                options.workerId(),
                options.orchestrationBatchSize(),
                options.lease(),
                options.stepAffinity());
        if (!items.isEmpty()) {
          heartbeat.doing("stepping " + items.size() + " instances");
          handle(items);
          heartbeat.beat("polling");
          if (items.size() < options.orchestrationBatchSize() && running) {
            // Caught up: let timers that fall due gather for a batch until this dispatcher's turn
            // (one a timer batching period for the worker), unless work due now is notified
            // (docs/engine.md#the-runtime).
            signal.await(seen, turns.next(System.nanoTime()));
          }
        } else if (running) {
          heartbeat.beat("idle");
          signal.await(
              seen,
              IdleWait.millis(
                  () ->
                      queues.nextOrchestrationVisibleAt(
                          options.workerId(), options.stepAffinity(), IdleWait.since(looked)),
                  options.pollInterval(),
                  options.timerBatching()));
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
    leases.holdOrchestration(
        items.get(0).lockToken(), items.stream().map(OrchestrationWorkItem::instanceId).toList());
    try {
      if (items.size() == 1 || steps == null) {
        List<Stepped> done = new ArrayList<>(items.size());
        for (OrchestrationWorkItem item : items) {
          done.add(step(item));
        }
        settle(done);
      } else {
        inParallel(items);
      }
    } finally {
      leases.releaseOrchestration(items.get(0).lockToken());
    }
  }

  /**
   * Runs the batch's steps at once on the step threads and commits them in rounds: each round waits
   * for one step to finish, then a grace for the others ({@link #grace}), and commits those
   * finished. A step held up by a slow local activity (a probe of a frozen server) commits in a
   * later round instead of holding back the rest. Steps in progress are always finished and
   * committed, even when this thread is interrupted (the worker closing).
   */
  private void inParallel(List<OrchestrationWorkItem> items) {
    long started = System.nanoTime();
    List<CompletableFuture<Stepped>> pending = new ArrayList<>(items.size());
    for (OrchestrationWorkItem item : items) {
      CompletableFuture<Stepped> f;
      try {
        f = CompletableFuture.supplyAsync(() -> step(item), steps);
      } catch (RejectedExecutionException closing) {
        f = CompletableFuture.completedFuture(step(item));
      }
      pending.add(f);
    }
    boolean interrupted = false;
    while (!pending.isEmpty()) {
      CompletableFuture.anyOf(pending.toArray(CompletableFuture[]::new)).join();
      long deadline = System.nanoTime() + grace(System.nanoTime() - started);
      for (CompletableFuture<Stepped> f : pending) {
        long left = deadline - System.nanoTime();
        if (interrupted || left <= 0) {
          break;
        }
        try {
          f.get(left, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (TimeoutException e) {
          break;
        } catch (ExecutionException e) {
          // Cannot happen: step() returns its failure instead of throwing it.
        }
      }
      List<Stepped> done = new ArrayList<>();
      for (Iterator<CompletableFuture<Stepped>> it = pending.iterator(); it.hasNext(); ) {
        CompletableFuture<Stepped> f = it.next();
        if (f.isDone()) {
          done.add(f.join());
          it.remove();
        }
      }
      settle(done);
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * How long a round waits for the rest of the batch once one step finished: as long as that step
   * took, and at least {@link #MIN_GRACE_NANOS}, so that steps of similar work share a commit.
   */
  static long grace(long firstTookNanos) {
    return Math.max(MIN_GRACE_NANOS, firstTookNanos);
  }

  /** One item's step: replayed (the step to commit, or null) or failed. */
  private record Stepped(
      OrchestrationWorkItem item, StepCommit step, Throwable failure, long replayNanos) {}

  private Stepped step(OrchestrationWorkItem item) {
    if (item.takenOver()) {
      metrics.takeovers(1);
    }
    long started = System.nanoTime();
    try {
      return new Stepped(item, processor.process(item), null, System.nanoTime() - started);
    } catch (RuntimeException | Error e) {
      // Any Error from orchestration code must be abandoned, so that it counts towards poisoning
      // instead of killing a dispatcher or step thread.
      return new Stepped(item, null, e, 0);
    }
  }

  /** Abandons the failed steps, discards the messages of ended instances, commits the rest. */
  private void settle(List<Stepped> done) {
    List<StepCommit> commits = new ArrayList<>(done.size());
    List<OrchestrationWorkItem> stepped = new ArrayList<>(done.size());
    List<Long> replayNanos = new ArrayList<>(done.size());
    for (Stepped s : done) {
      if (s.failure() != null) {
        abandon(s.item(), s.failure());
      } else if (s.step() == null) {
        try {
          queues.discardMessages(s.item());
        } catch (RuntimeException e) {
          abandon(s.item(), e);
        }
      } else {
        commits.add(s.step());
        stepped.add(s.item());
        replayNanos.add(s.replayNanos());
      }
    }
    if (!commits.isEmpty()) {
      commit(commits, stepped, replayNanos);
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
      StepCommit.FirstStep first = step.next() == null ? null : step.next().firstStep();
      activities |= !step.activities().isEmpty() || first != null && !first.activities().isEmpty();
      // Timers are due later: no dispatcher needs waking for them.
      messages |=
          dueNow(step.messages())
              || !step.newInstances().isEmpty()
              || step.next() != null
                  && (first == null || dueNow(first.messages()) || !first.newInstances().isEmpty());
    }
    metrics.commits(committed);
    if (activities) {
      onActivityWork.run();
    }
    if (messages) {
      signal.signal();
    }
  }

  private static boolean dueNow(List<OutboundMessage> messages) {
    for (OutboundMessage m : messages) {
      if (m.visibleAt() == null) {
        return true;
      }
    }
    return false;
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
