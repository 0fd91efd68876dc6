package dev.toygres.controlplane.server;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plain thread per server (not an orchestration, so it outlives a cancelled supervisor) that
 * every supervisor interval has the {@link SingletonKeeper} start again any singleton that does not
 * run. Any failure (the database out of reach, say) is logged and the loop goes on.
 */
final class SingletonWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SingletonWatch.class);
  private final SingletonKeeper keeper;
  private final Duration every;
  private final Thread thread;
  private volatile boolean stopped;

  SingletonWatch(SingletonKeeper keeper, Duration every) {
    this.keeper = keeper;
    this.every = every;
    this.thread = new Thread(this::run, "toygres-singleton-watch");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    while (!stopped) {
      try {
        Thread.sleep(every.toMillis());
      } catch (InterruptedException e) {
        return;
      }
      try {
        keeper.ensureAll("the server's singleton watch");
      } catch (Throwable t) {
        if (stopped) {
          return;
        }
        LOG.warn(
            "singleton watch: cannot check the singletons now; trying again: {}", t.toString());
      }
    }
  }

  @Override
  public void close() {
    stopped = true;
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
