package dev.toygres.engine.store;

import java.time.Duration;
import java.util.Objects;

/**
 * How long anything may wait on the metadata database, so that no thread waits forever when it is
 * paused, gone or partitioned away, or when a row it needs is locked (docs/configuration.md).
 *
 * @param connect longest wait for a new connection, or for one from the pool
 * @param socket longest wait for any reply on an open connection; longer than {@code statement}
 * @param statement longest a statement may run ({@code statement_timeout})
 * @param lock longest a statement waits for a row or table lock ({@code lock_timeout})
 */
public record DatabaseTimeouts(
    Duration connect, Duration socket, Duration statement, Duration lock) {

  public DatabaseTimeouts {
    positive(connect, "connect");
    positive(socket, "socket");
    positive(statement, "statement");
    positive(lock, "lock");
    if (connect.toMillis() < 250) {
      throw new IllegalArgumentException("connect timeout must be at least 250ms, was " + connect);
    }
    if (socket.compareTo(statement) <= 0) {
      throw new IllegalArgumentException(
          "socket timeout ("
              + socket
              + ") must be longer than the statement timeout ("
              + statement
              + "), or a slow statement is cut off as if the database were gone");
    }
  }

  private static void positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " timeout must be positive, was " + d);
    }
  }

  /** 3 s to connect, 10 s for a reply, 8 s per statement, 4 s for a lock. */
  public static DatabaseTimeouts defaults() {
    return new DatabaseTimeouts(
        Duration.ofSeconds(3),
        Duration.ofSeconds(10),
        Duration.ofSeconds(8),
        Duration.ofSeconds(4));
  }

  public DatabaseTimeouts withConnect(Duration v) {
    return new DatabaseTimeouts(v, socket, statement, lock);
  }

  public DatabaseTimeouts withSocket(Duration v) {
    return new DatabaseTimeouts(connect, v, statement, lock);
  }

  public DatabaseTimeouts withStatement(Duration v) {
    return new DatabaseTimeouts(connect, socket, v, lock);
  }

  public DatabaseTimeouts withLock(Duration v) {
    return new DatabaseTimeouts(connect, socket, statement, v);
  }
}
