package dev.toygres.engine.process;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit extension that launches worker processes for a test and kills every one of them after the
 * test, whether it passed or failed. Register with {@code @RegisterExtension}.
 */
public final class WorkerProcesses implements AfterEachCallback {
  private final List<WorkerProcess> started = new ArrayList<>();

  /** Starts a worker process and waits until it is ready. */
  public synchronized WorkerProcess start(String workerId, String schema, Path dir, Duration lease)
      throws IOException, InterruptedException {
    WorkerProcess w = WorkerProcess.start(workerId, schema, dir, lease);
    started.add(w);
    return w.awaitReady(Duration.ofSeconds(60));
  }

  /**
   * Starts several worker processes at once (their JVMs boot in parallel) and waits for all; {@code
   * extra} are more {@link WorkerMain} arguments for each.
   */
  public synchronized List<WorkerProcess> startAll(
      List<String> workerIds, String schema, Path dir, Duration lease, String... extra)
      throws IOException, InterruptedException {
    List<WorkerProcess> ws = new ArrayList<>();
    for (String id : workerIds) {
      WorkerProcess w = WorkerProcess.start(id, schema, dir, lease, extra);
      started.add(w);
      ws.add(w);
    }
    for (WorkerProcess w : ws) {
      w.awaitReady(Duration.ofSeconds(60));
    }
    return ws;
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    killAll();
  }

  /** SIGKILLs every process started so far (tests call it before dropping their schema). */
  public synchronized void killAll() throws Exception {
    Exception first = null;
    for (WorkerProcess w : started) {
      try {
        w.kill();
      } catch (Exception e) {
        first = first == null ? e : first;
      }
    }
    started.clear();
    if (first != null) {
      throw first;
    }
  }
}
