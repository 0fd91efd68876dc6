package dev.toygres.engine.worker.internal;

import java.sql.Connection;
import java.sql.Statement;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds one connection that LISTENs for the store's new-work notifications and wakes the matching
 * dispatchers. If the connection fails it reconnects; meanwhile dispatchers fall back to polling.
 */
public final class NotificationListener implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NotificationListener.class);
  private final DataSource ds;
  private final String orchestrationChannel;
  private final String activityChannel;
  private final WorkSignal orchestrations;
  private final WorkSignal activities;
  private final Thread thread;
  private static final long CHECK_EVERY_NANOS = 5_000_000_000L;
  private final Heartbeat heartbeat = new Heartbeat("notification-listener");
  private volatile boolean running = true;

  public NotificationListener(
      DataSource ds,
      String schema,
      WorkSignal orchestrations,
      WorkSignal activities,
      String workerId) {
    this.ds = ds;
    this.orchestrationChannel = schema + "_orchestrations";
    this.activityChannel = schema + "_activities";
    this.orchestrations = orchestrations;
    this.activities = activities;
    this.thread = new Thread(this::run, "durable-listen-" + workerId);
    thread.setDaemon(true);
    thread.start();
  }

  public Heartbeat heartbeat() {
    return heartbeat;
  }

  private void run() {
    while (running) {
      heartbeat.doing("connecting");
      try (Connection c = ds.getConnection()) {
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN \"" + orchestrationChannel + "\"");
          s.execute("LISTEN \"" + activityChannel + "\"");
        }
        PGConnection pg = c.unwrap(PGConnection.class);
        orchestrations.signal();
        activities.signal();
        long checked = System.nanoTime();
        while (running) {
          heartbeat.beat("listening");
          if (System.nanoTime() - checked > CHECK_EVERY_NANOS) {
            // getNotifications only reads what arrived: a connection cut off silently (a
            // partition, a database paused) is only noticed by a round trip, which the socket
            // timeout bounds.
            try (Statement s = c.createStatement()) {
              s.execute("SELECT 1");
            }
            checked = System.nanoTime();
          }
          PGNotification[] ns = pg.getNotifications(500);
          if (ns == null) {
            continue;
          }
          for (PGNotification n : ns) {
            if (n.getName().equals(orchestrationChannel)) {
              orchestrations.signal();
            } else if (n.getName().equals(activityChannel)) {
              activities.signal();
            }
          }
        }
      } catch (Throwable e) {
        if (running) {
          LOG.warn("notification connection failed, polling until it is back: {}", e.toString());
          heartbeat.failed(e);
          sleep(1000);
        }
      }
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
