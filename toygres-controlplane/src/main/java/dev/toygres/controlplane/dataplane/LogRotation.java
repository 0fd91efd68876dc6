package dev.toygres.controlplane.dataplane;

import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A thread that, every interval, rotates each instance server's {@code postgres.log} that outgrew
 * {@link LogFiles#MAX_LOG_BYTES} (docs/logs.md), so a chatty server nobody reads or restarts cannot
 * fill the disk. Stopped by {@link #close()}.
 */
final class LogRotation implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LogRotation.class);

  private final Path root;
  private final Duration every;
  private final Thread thread;

  LogRotation(Path root, Duration every) {
    this.root = root;
    this.every = every;
    this.thread = new Thread(this::run, "toygres-log-rotation");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        Thread.sleep(every.toMillis());
      } catch (InterruptedException e) {
        return;
      }
      try {
        rotateAll(root);
      } catch (RuntimeException e) {
        LOG.warn("Cannot rotate the instances' logs under {}: {}", root, e.toString());
      }
    }
  }

  /** Rotates the log of every server (each instance's and each of its standbys') under root. */
  static void rotateAll(Path root) {
    for (String name : InstanceNames.list(root)) {
      InstanceDir dir = InstanceNames.dir(root, name);
      ServerLogs.rotate(dir, name);
      for (Server s : Standbys.list(dir)) {
        ServerLogs.rotate(s.dir(), s.name());
      }
    }
  }

  @Override
  public void close() {
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
