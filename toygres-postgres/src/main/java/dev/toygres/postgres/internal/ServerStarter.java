package dev.toygres.postgres.internal;

import dev.toygres.postgres.PostgresException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a server: deals with leftovers, runs initdb if needed, launches postgres and waits until
 * ready.
 */
public final class ServerStarter {

  /**
   * A server that accepts queries.
   *
   * @param process the process, or null if the postmaster is not the process this JVM launched
   * @param pid the postmaster's pid
   * @param port the TCP port it listens on
   */
  public record Started(Process process, long pid, int port) {}

  private static final Logger LOG = LoggerFactory.getLogger(ServerStarter.class);
  private static final int AUTO_PORT_ATTEMPTS = 3;

  private ServerStarter() {}

  /**
   * Starts the server described by {@code spec}.
   *
   * @throws PostgresException if it cannot be initialized or started; the message includes the
   *     log's tail
   */
  public static Started start(ServerSpec spec) {
    try {
      clearLeftover(spec.dataDir(), spec.shutdownTimeout());
      ServerFiles.prepare(spec);
      InitDb.initIfNeeded(spec);
      for (int attempt = 1; ; attempt++) {
        int port = spec.port() == 0 ? FreePorts.pick() : spec.port();
        long logStart = LogTail.size(spec.logFile());
        Process process = Launcher.launch(spec, port);
        try {
          Readiness.await(process, spec, port);
          return started(process, spec.dataDir(), port);
        } catch (Readiness.NotReady e) {
          Stopper.stop(process.pid(), process, spec.dataDir(), Duration.ofSeconds(10));
          String log = LogTail.tail(spec.logFile(), logStart, 40);
          if (spec.port() == 0 && attempt < AUTO_PORT_ATTEMPTS && log.contains("could not bind")) {
            LOG.info(
                "Port {} was taken before postgres could bind it; retrying with another", port);
            continue;
          }
          throw new PostgresException(
              "Cannot start PostgreSQL in "
                  + spec.dataDir()
                  + " on port "
                  + port
                  + ": "
                  + e.getMessage()
                  + ". Last lines of "
                  + spec.logFile()
                  + ":\n"
                  + log,
              e);
        }
      }
    } catch (IOException e) {
      throw new PostgresException(
          "Cannot start PostgreSQL in " + spec.dataDir() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Handles a postmaster.pid left behind by a server this JVM did not stop: if its pid is a live
   * postgres for this data directory, stops it; if the pid now belongs to another process, removes
   * the stale file; if the pid is dead, leaves it (postgres replaces stale lock files itself).
   */
  public static void clearLeftover(Path dataDir, Duration timeout) throws IOException {
    PostmasterPid leftover = PostmasterPid.read(dataDir).orElse(null);
    if (leftover == null) {
      return;
    }
    if (Processes.isPostgresFor(leftover.pid(), dataDir)) {
      LOG.warn(
          "PostgreSQL (pid {}) is still running on {}, probably left by an earlier process that "
              + "did not stop it; stopping it before starting again",
          leftover.pid(),
          dataDir);
      if (!Stopper.stop(leftover.pid(), null, dataDir, timeout)) {
        throw new PostgresException(
            "Cannot stop the leftover PostgreSQL (pid "
                + leftover.pid()
                + ") running on "
                + dataDir);
      }
    } else if (Processes.isAlive(leftover.pid())) {
      LOG.warn(
          "Removing stale {} in {}: pid {} is alive but is not a postgres for this data directory",
          PostmasterPid.FILE_NAME,
          dataDir,
          leftover.pid());
      Files.deleteIfExists(dataDir.resolve(PostmasterPid.FILE_NAME));
    }
  }

  private static Started started(Process process, Path dataDir, int port) {
    long pid = PostmasterPid.read(dataDir).map(PostmasterPid::pid).orElse(process.pid());
    return pid == process.pid() ? new Started(process, pid, port) : new Started(null, pid, port);
  }
}
