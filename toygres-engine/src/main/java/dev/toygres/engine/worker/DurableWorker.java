package dev.toygres.engine.worker;

import dev.toygres.engine.store.PostgresStore;
import dev.toygres.engine.store.internal.WorkQueues;
import dev.toygres.engine.worker.internal.ActivityDispatcher;
import dev.toygres.engine.worker.internal.FetchTurns;
import dev.toygres.engine.worker.internal.LeaseKeeper;
import dev.toygres.engine.worker.internal.LocalActivities;
import dev.toygres.engine.worker.internal.NotificationListener;
import dev.toygres.engine.worker.internal.OrchestrationDispatcher;
import dev.toygres.engine.worker.internal.StepProcessor;
import dev.toygres.engine.worker.internal.WorkSignal;
import dev.toygres.engine.worker.internal.WorkerMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs orchestrations and activities from a {@link PostgresStore}. Any number of workers, in any
 * number of processes, may share one database: each work item is leased to one worker at a time,
 * and a crashed worker's leases expire so others take its work over.
 *
 * <p>The pool behind the store needs at least {@code orchestrationDispatchers + activityDispatchers
 * + 3} connections (one is held for LISTEN).
 */
public final class DurableWorker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DurableWorker.class);
  private static final AtomicInteger STEP_THREADS = new AtomicInteger();
  private final WorkerOptions options;
  private final LeaseKeeper leases;
  private final NotificationListener listener;
  private final ActivityDispatcher activities;
  private final LocalActivities localActivities;
  private final ExecutorService stepThreads;
  private final List<OrchestrationDispatcher> orchestrations = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private boolean closed;

  private DurableWorker(PostgresStore store, Registry registry, WorkerOptions options) {
    this.options = options;
    WorkQueues queues = WorkQueues.of(store);
    WorkSignal orchestrationSignal = new WorkSignal();
    WorkSignal activitySignal = new WorkSignal();
    WorkerMetrics metrics = WorkerMetrics.of(options.meterRegistry());
    this.leases = new LeaseKeeper(queues, options.lease(), options.workerId());
    this.activities =
        new ActivityDispatcher(
            queues,
            registry,
            activitySignal,
            leases,
            options,
            metrics,
            orchestrationSignal::signal);
    this.localActivities =
        new LocalActivities(registry, queues::fenceOf, options.lease().dividedBy(2), metrics);
    StepProcessor processor =
        new StepProcessor(registry, options.maxDispatchCount(), metrics, localActivities);
    // A batch's steps run at once, so that one waiting on a local activity (a probe, say) holds up
    // no other. Never more than dispatchers x batch size threads are busy: each dispatcher waits
    // for its batch.
    this.stepThreads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t =
                  new Thread(
                      r,
                      "durable-step-" + options.workerId() + "-" + STEP_THREADS.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    FetchTurns turns =
        new FetchTurns(options.timerBatching().toNanos(), options.orchestrationDispatchers());
    for (int i = 0; i < options.orchestrationDispatchers(); i++) {
      OrchestrationDispatcher d =
          new OrchestrationDispatcher(
              "orchestration-dispatcher-" + i,
              queues,
              processor,
              stepThreads,
              orchestrationSignal,
              turns,
              leases,
              options,
              metrics,
              activitySignal::signal);
      Thread t = new Thread(d, "durable-orchestration-" + options.workerId() + "-" + i);
      t.setDaemon(true);
      orchestrations.add(d);
      threads.add(t);
    }
    this.listener =
        new NotificationListener(
            store.dataSource(),
            store.schema(),
            orchestrationSignal,
            activitySignal,
            options.workerId());
    threads.forEach(Thread::start);
    LOG.info(
        "durable worker {} started ({} orchestration and {} activity dispatchers, {} activity slots)",
        options.workerId(),
        options.orchestrationDispatchers(),
        options.activityDispatchers(),
        options.maxConcurrentActivities());
  }

  /** Starts a worker: its dispatchers begin polling at once. The store must already be migrated. */
  public static DurableWorker start(PostgresStore store, Registry registry, WorkerOptions options) {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(options, "options");
    return new DurableWorker(store, registry, options);
  }

  public WorkerOptions options() {
    return options;
  }

  /**
   * The state of each of this worker's loops (orchestration dispatchers, activity pollers, the
   * completion writer, the lease keeper, the notification listener): a loop whose last progress is
   * older than a few poll intervals plus the database timeouts is stuck. Never blocks.
   */
  public List<LoopHealth> health() {
    List<LoopHealth> out = new ArrayList<>();
    orchestrations.forEach(d -> out.add(d.heartbeat().snapshot()));
    activities.heartbeats().forEach(h -> out.add(h.snapshot()));
    out.add(leases.heartbeat().snapshot());
    out.add(listener.heartbeat().snapshot());
    return List.copyOf(out);
  }

  /**
   * Graceful shutdown: stops taking work, finishes the orchestration steps in progress, waits for
   * running activities up to the shutdown timeout and records their outcomes. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    orchestrations.forEach(OrchestrationDispatcher::stop);
    activities.close();
    for (Thread t : threads) {
      t.interrupt();
    }
    for (Thread t : threads) {
      try {
        t.join(options.shutdownTimeout().toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    stepThreads.shutdown();
    localActivities.close();
    listener.close();
    leases.close();
    LOG.info("durable worker {} stopped", options.workerId());
  }
}
