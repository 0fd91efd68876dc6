package dev.toygres.engine.worker.internal;

import dev.toygres.engine.history.HistoryEvent.Completion;
import dev.toygres.engine.store.internal.ActivityWorkItem;
import dev.toygres.engine.store.internal.WorkQueues;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes activity outcomes. Outcomes that finish while a write is in flight are written together in
 * the next transaction, so a busy worker commits many outcomes per round trip without adding delay.
 */
final class CompletionWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CompletionWriter.class);
  private static final int MAX_BATCH = 128;

  private record Outcome(ActivityWorkItem item, Completion completion) {}

  private final WorkQueues queues;
  private final LeaseKeeper leases;
  private final Runnable onWritten;
  private final LinkedBlockingQueue<Outcome> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private final Heartbeat heartbeat = new Heartbeat("completion-writer");
  private volatile boolean running = true;

  CompletionWriter(WorkQueues queues, LeaseKeeper leases, Runnable onWritten, String workerId) {
    this.queues = queues;
    this.leases = leases;
    this.onWritten = onWritten;
    this.thread = new Thread(this::run, "durable-complete-" + workerId);
    thread.setDaemon(true);
    thread.start();
  }

  Heartbeat heartbeat() {
    return heartbeat;
  }

  void submit(ActivityWorkItem item, Completion completion) {
    queue.add(new Outcome(item, completion));
  }

  private void run() {
    List<Outcome> batch = new ArrayList<>();
    while (running || !queue.isEmpty()) {
      try {
        heartbeat.beat("idle");
        Outcome first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        heartbeat.doing("writing " + batch.size() + " outcomes");
        write(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Throwable e) {
        LOG.warn(
            "could not record {} activity outcomes; they run again after their lease: {}",
            batch.size(),
            e.toString());
        heartbeat.failed(e);
        pause();
      } finally {
        batch.forEach(o -> leases.releaseActivity(o.item().lockToken()));
        batch.clear();
      }
    }
  }

  private void write(List<Outcome> batch) throws InterruptedException {
    List<ActivityWorkItem> items = batch.stream().map(Outcome::item).toList();
    List<Completion> outcomes = batch.stream().map(Outcome::completion).toList();
    for (int attempt = 1; ; attempt++) {
      try {
        boolean[] held = queues.completeActivities(items, outcomes);
        for (int i = 0; i < held.length; i++) {
          if (!held[i]) {
            LOG.warn(
                "activity work item {} lost its lease before completing; its outcome is dropped",
                items.get(i).id());
          }
        }
        onWritten.run();
        return;
      } catch (RuntimeException e) {
        heartbeat.failed(e);
        if (attempt >= 5 || !running) {
          LOG.warn(
              "could not record {} activity outcomes; they run again after their lease: {}",
              batch.size(),
              e.getMessage());
          return;
        }
        Thread.sleep(200L * attempt);
      }
    }
  }

  private static void pause() {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Writes what is queued, then stops. */
  @Override
  public void close() {
    running = false;
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
