package dev.toygres.engine.worker.internal;

import dev.toygres.engine.store.LeaseLostException;
import dev.toygres.engine.store.OrchestrationWorkItem;
import dev.toygres.engine.store.PostgresStore;
import dev.toygres.engine.store.StepCommit;
import dev.toygres.engine.worker.WorkerOptions;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One polling thread's loop: lease an instance, run its step, commit; sleep when idle. */
public final class OrchestrationDispatcher implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(OrchestrationDispatcher.class);
  private final PostgresStore store;
  private final StepProcessor processor;
  private final WorkSignal signal;
  private final LeaseKeeper leases;
  private final WorkerOptions options;
  private final Runnable onActivityWork;
  private volatile boolean running = true;

  public OrchestrationDispatcher(
      PostgresStore store, StepProcessor processor, WorkSignal signal, LeaseKeeper leases,
      WorkerOptions options, Runnable onActivityWork) {
    this.store = store;
    this.processor = processor;
    this.signal = signal;
    this.leases = leases;
    this.options = options;
    this.onActivityWork = onActivityWork;
  }

  public void stop() {
    running = false;
  }

  @Override
  public void run() {
    while (running) {
      long seen = signal.generation();
      try {
        Optional<OrchestrationWorkItem> item = store.fetchOrchestrationWorkItem(options.workerId(), options.lease());
        if (item.isPresent()) {
          handle(item.get());
        } else if (running) {
          signal.await(seen, IdleWait.millis(store::nextOrchestrationVisibleAt, options.pollInterval()));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        LOG.warn("orchestration dispatcher: {}", e.getMessage());
        pause();
      }
    }
  }

  private void handle(OrchestrationWorkItem item) {
    leases.holdOrchestration(item.lockToken());
    try {
      StepCommit step = processor.process(item);
      if (step == null) {
        store.discardMessages(item);
        return;
      }
      store.commitStep(step);
      if (!step.activities().isEmpty()) {
        onActivityWork.run();
      }
      if (!step.messages().isEmpty() || step.next() != null || !step.newInstances().isEmpty()) {
        signal.signal();
      }
    } catch (LeaseLostException e) {
      LOG.warn("{}; another worker has it", e.getMessage());
    } catch (RuntimeException | Error e) {
      // Any Error from orchestration code (not only StackOverflowError) must be abandoned here, so
      // it counts towards poisoning instead of killing this dispatcher thread.
      LOG.warn("step of '{}' failed (dispatch {}): {}", item.instanceId(), item.dispatchCount(), e.toString());
      Duration backoff = Duration.ofMillis(Math.min(30_000, 250L << Math.min(item.dispatchCount(), 7)));
      try {
        store.abandonOrchestrationWorkItem(item, e.toString(), backoff);
      } catch (RuntimeException again) {
        LOG.warn("could not abandon '{}': {}", item.instanceId(), again.getMessage());
      }
    } finally {
      leases.releaseOrchestration(item.lockToken());
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
