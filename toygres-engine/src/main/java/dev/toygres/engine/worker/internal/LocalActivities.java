package dev.toygres.engine.worker.internal;

import dev.toygres.engine.FailureDetails;
import dev.toygres.engine.activity.ActivityContext;
import dev.toygres.engine.activity.LeaseFence;
import dev.toygres.engine.activity.LeaseLostException;
import dev.toygres.engine.history.HistoryEvent.LocalActivityRecorded;
import dev.toygres.engine.internal.Json;
import dev.toygres.engine.internal.replay.LocalActivityRunner;
import dev.toygres.engine.internal.signal.StepAborted;
import dev.toygres.engine.orchestration.ActivityOptions;
import dev.toygres.engine.orchestration.RetryPolicy;
import dev.toygres.engine.orchestration.TaskTimeoutException;
import dev.toygres.engine.store.internal.OrchestrationWorkItem;
import dev.toygres.engine.worker.Registry;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Runs the local activities of orchestration steps on this worker
 * (docs/engine.md#local-activities): each attempt on a thread of its own, bounded by its timeout,
 * retries in process, and the outcome returned for the step to record. The activity's fence is the
 * step's lease on the instance.
 */
public final class LocalActivities implements AutoCloseable {
  private static final AtomicInteger THREADS = new AtomicInteger();
  private final Registry registry;
  private final Function<OrchestrationWorkItem, LeaseFence> fences;
  private final Duration budget;
  private final ExecutorService threads;
  private final WorkerMetrics metrics;

  /**
   * @param fences the fence of a step's lease
   * @param budget the most that all attempts of one call may take, timeouts and delays together
   */
  public LocalActivities(
      Registry registry, Function<OrchestrationWorkItem, LeaseFence> fences, Duration budget) {
    this(registry, fences, budget, WorkerMetrics.NONE);
  }

  /**
   * As above, timing each attempt in {@code metrics} as an activity attempt is (same name, same
   * outcomes).
   */
  public LocalActivities(
      Registry registry,
      Function<OrchestrationWorkItem, LeaseFence> fences,
      Duration budget,
      WorkerMetrics metrics) {
    this.metrics = metrics;
    this.registry = registry;
    this.fences = fences;
    this.budget = budget;
    // Not a fixed pool: an attempt that timed out and ignores its interrupt keeps its thread.
    this.threads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "durable-local-activity-" + THREADS.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** The runner for the local activities of one step of {@code item}. */
  public LocalActivityRunner forStep(OrchestrationWorkItem item) {
    return forStep(item, item.executionId());
  }

  /**
   * The runner for the local activities of a step of {@code item}'s instance in execution {@code
   * executionId}: the first step of the execution a continue-as-new starts, run in the same step
   * and fenced by the same lease.
   */
  public LocalActivityRunner forStep(OrchestrationWorkItem item, int executionId) {
    LeaseFence fence = fences.apply(item);
    return (taskId, name, input, options) ->
        new Call(item, executionId, fence, taskId, name, options).run(input);
  }

  /** The retry delays of a call, all of them. */
  static Duration delays(RetryPolicy retry) {
    Duration total = Duration.ZERO;
    for (int failed = 1; failed < retry.maxAttempts(); failed++) {
      total = total.plus(retry.delayAfter(failed));
    }
    return total;
  }

  /**
   * The timeout of each attempt: the options' own, or else an equal share of what the budget leaves
   * after the retry delays (zero when they alone exceed it).
   */
  Duration attemptTimeout(ActivityOptions options) {
    if (options.attemptTimeout() != null) {
      return options.attemptTimeout();
    }
    Duration left = budget.minus(delays(options.retry()));
    return left.isNegative() ? Duration.ZERO : left.dividedBy(options.retry().maxAttempts());
  }

  /** The worst case of a call's attempts: every attempt timing out, every delay slept. */
  Duration worstCase(ActivityOptions options) {
    return attemptTimeout(options)
        .multipliedBy(options.retry().maxAttempts())
        .plus(delays(options.retry()));
  }

  @Override
  public void close() {
    threads.shutdownNow();
  }

  private final class Call {
    private final OrchestrationWorkItem item;
    private final int executionId;
    private final LeaseFence fence;
    private final int taskId;
    private final String name;
    private final ActivityOptions options;

    Call(
        OrchestrationWorkItem item,
        int executionId,
        LeaseFence fence,
        int taskId,
        String name,
        ActivityOptions options) {
      this.item = item;
      this.executionId = executionId;
      this.fence = fence;
      this.taskId = taskId;
      this.name = name;
      this.options = options;
    }

    LocalActivityRecorded run(String inputJson) {
      Registry.ActivityEntry entry = registry.activity(name).orElse(null);
      if (entry == null) {
        return failed(
            FailureDetails.of(
                "ActivityNotRegistered",
                "no activity named '" + name + "' is registered on this worker"),
            0);
      }
      Duration worst = worstCase(options);
      if (worst.compareTo(budget) > 0 || attemptTimeout(options).isZero()) {
        return failed(
            FailureDetails.of(
                "LocalActivityTooLong",
                "local activity '"
                    + name
                    + "' may take "
                    + worst
                    + " with its timeouts and retries, more than the "
                    + budget
                    + " a step may spend on one (half the worker's lease); call it as an activity"),
            0);
      }
      Object input;
      try {
        input = Json.read(inputJson, entry.inputType());
      } catch (RuntimeException e) {
        return failed(FailureDetails.of(e), 0);
      }
      ActivityContext ctx =
          new ActivityContext(
              item.instanceId(), executionId, taskId, name, item.dispatchCount(), fence);
      RetryPolicy retry = options.retry();
      FailureDetails last = null;
      for (int attempt = 1; attempt <= retry.maxAttempts(); attempt++) {
        if (attempt > 1) {
          sleep(retry.delayAfter(attempt - 1));
        }
        Attempt a = attempt(entry, ctx, input, attempt);
        if (a.failure() == null) {
          return new LocalActivityRecorded(taskId, name, a.result(), null, attempt);
        }
        last = a.failure();
      }
      return failed(last, retry.maxAttempts());
    }

    private Attempt attempt(
        Registry.ActivityEntry entry, ActivityContext ctx, Object input, int attempt) {
      Duration timeout = attemptTimeout(options);
      long started = System.nanoTime();
      Future<Object> f = threads.submit(() -> entry.code().run(ctx, input));
      Attempt a = settle(f, timeout, attempt);
      metrics.activity(name, a.failure() == null, System.nanoTime() - started);
      return a;
    }

    private Attempt settle(Future<Object> f, Duration timeout, int attempt) {
      try {
        return new Attempt(Json.write(f.get(timeout.toNanos(), TimeUnit.NANOSECONDS)), null);
      } catch (TimeoutException e) {
        f.cancel(true);
        return new Attempt(
            null,
            FailureDetails.of(
                new TaskTimeoutException(
                    "local activity '"
                        + name
                        + "' attempt "
                        + attempt
                        + " did not finish within "
                        + timeout)));
      } catch (ExecutionException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        if (cause instanceof LeaseLostException lost) {
          throw abort("its fence found the instance's lease lost", lost);
        }
        return new Attempt(null, FailureDetails.of(cause));
      } catch (InterruptedException e) {
        f.cancel(true);
        Thread.currentThread().interrupt();
        throw abort("the worker is stopping", e);
      } catch (RuntimeException e) {
        // The result would not serialize: a failure of the call, as for an activity.
        return new Attempt(null, FailureDetails.of(e));
      }
    }

    private void sleep(Duration delay) {
      try {
        Thread.sleep(delay.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw abort("the worker is stopping", e);
      }
    }

    private LocalActivityRecorded failed(FailureDetails failure, int attempts) {
      return new LocalActivityRecorded(taskId, name, null, failure, attempts);
    }

    private StepAborted abort(String why, Throwable cause) {
      return new StepAborted(
          "local activity '"
              + name
              + "' of instance '"
              + item.instanceId()
              + "' (task "
              + taskId
              + ") did not settle: "
              + why,
          cause);
    }
  }

  private record Attempt(String result, FailureDetails failure) {}
}
