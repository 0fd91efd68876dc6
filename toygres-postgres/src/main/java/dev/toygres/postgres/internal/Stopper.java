package dev.toygres.postgres.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Stops a postgres server: SIGINT (fast shutdown), then SIGQUIT (immediate shutdown), then SIGKILL,
 * waiting after each. Only signals {@code pid} while it is verifiably a postgres process for {@code
 * dataDir}.
 */
public final class Stopper {

  private static final Duration ESCALATION_WAIT = Duration.ofSeconds(10);

  private Stopper() {}

  /**
   * Stops the server; returns whether it is gone afterwards.
   *
   * @param pid the postmaster's pid
   * @param process the process if this JVM started it, else null
   * @param dataDir the server's data directory, used to verify the pid before each signal
   * @param timeout how long to wait for the fast shutdown before escalating
   */
  public static boolean stop(long pid, Process process, Path dataDir, Duration timeout) {
    String[] signals = {"INT", "QUIT", "KILL"};
    for (int i = 0; i < signals.length; i++) {
      if (!running(pid, process, dataDir)) {
        return true;
      }
      if (Processes.isPostgresFor(pid, dataDir)) {
        Processes.signal(pid, signals[i]);
      } else if (process != null) {
        process.destroyForcibly(); // still the wrapper, not yet postgres
      }
      if (awaitGone(pid, process, dataDir, i == 0 ? timeout : ESCALATION_WAIT)) {
        return true;
      }
    }
    return !running(pid, process, dataDir);
  }

  /**
   * Whether the server is still there: our own process alive, or the pid still a postgres for
   * dataDir.
   */
  public static boolean running(long pid, Process process, Path dataDir) {
    return process != null ? process.isAlive() : Processes.isPostgresFor(pid, dataDir);
  }

  private static boolean awaitGone(long pid, Process process, Path dataDir, Duration wait) {
    if (process == null) {
      return Processes.awaitExit(pid, wait);
    }
    try {
      return process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !running(pid, process, dataDir);
    }
  }
}
