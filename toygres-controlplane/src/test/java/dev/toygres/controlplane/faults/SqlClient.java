package dev.toygres.controlplane.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A tenant's client, as users run one: {@code psql} (libpq) with the connection string the API gave
 * (its {@code ****} left out: the password goes in {@code PGPASSWORD}, never on a command line).
 * {@link #startWriting} inserts rows one per transaction in a loop and records every insert that
 * was acknowledged (psql exited 0 after the commit) and when.
 */
final class SqlClient {
  static final Path PSQL = Path.of("/usr/lib/postgresql/15/bin/psql");

  private final String conninfo;
  private final String password;

  SqlClient(String maskedConnectionString, String password) {
    this.conninfo = maskedConnectionString.replace(":****@", "@");
    this.password = password;
  }

  /** Runs {@code sql}; its output, or an exception with psql's error. */
  String run(String sql) throws IOException, InterruptedException {
    Result r = exec(sql, Duration.ofSeconds(60));
    if (r.code != 0) {
      throw new IllegalStateException("psql failed (" + r.code + "): " + r.output);
    }
    return r.output.strip();
  }

  private record Result(int code, String output) {}

  private Result exec(String sql, Duration timeout) throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder(PSQL.toString(), "-qAtX", "-v", "ON_ERROR_STOP=1", "-c", sql, conninfo)
            .redirectErrorStream(true);
    pb.environment().put("PGPASSWORD", password);
    pb.environment().put("PGCONNECT_TIMEOUT", "3");
    Process p = pb.start();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly().waitFor();
      return new Result(-1, "timed out");
    }
    return new Result(
        p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  /**
   * Starts inserting rows 1, 2, 3, ... into {@code table} with psql, one process and one
   * transaction each, until closed.
   */
  Writer startWriting(String table) {
    return new Writer(
        "psql-" + table,
        n -> {
          try {
            return exec("INSERT INTO " + table + " (id) VALUES (" + n + ")", Duration.ofSeconds(90))
                    .code
                == 0;
          } catch (IOException e) {
            return false;
          }
        });
  }

  /**
   * Starts inserting rows as fast as one JDBC session can, one transaction each, through the same
   * hosts with {@code targetServerType=primary} (JDBC's {@code target_session_attrs=read-write}),
   * reconnecting after an error.
   */
  Writer startWritingFast(String table) {
    String hosts =
        conninfo.substring(conninfo.indexOf('@') + 1, conninfo.indexOf('/', conninfo.indexOf('@')));
    String user = conninfo.substring("postgresql://".length(), conninfo.indexOf('@'));
    String url =
        "jdbc:postgresql://"
            + hosts
            + "/postgres?targetServerType=primary&connectTimeout=3&socketTimeout=60";
    java.sql.Connection[] session = new java.sql.Connection[1];
    return new Writer(
        "jdbc-" + table,
        n -> {
          try {
            if (session[0] == null) {
              session[0] = java.sql.DriverManager.getConnection(url, user, password);
            }
            try (java.sql.Statement st = session[0].createStatement()) {
              st.executeUpdate("INSERT INTO " + table + " (id) VALUES (" + n + ")");
            }
            return true;
          } catch (java.sql.SQLException e) {
            try {
              if (session[0] != null) {
                session[0].close();
              }
            } catch (java.sql.SQLException ignored) {
              // the session is gone anyway
            }
            session[0] = null;
            return false;
          }
        });
  }

  /** One insert of row {@code n}: whether it was acknowledged. */
  interface Insert {
    boolean insert(int n) throws InterruptedException;
  }

  /** The insert loop. */
  final class Writer implements AutoCloseable {
    private final Thread thread;
    private final List<Integer> acked = new ArrayList<>();
    private final List<Instant> ackedAt = new ArrayList<>();
    private final List<Instant> failedAt = new ArrayList<>();
    private volatile boolean stop;

    private Writer(String name, Insert insert) {
      thread =
          new Thread(
              () -> {
                for (int n = 1; !stop; n++) {
                  try {
                    if (insert.insert(n)) {
                      synchronized (acked) {
                        acked.add(n);
                        ackedAt.add(Instant.now());
                      }
                    } else {
                      synchronized (acked) {
                        failedAt.add(Instant.now());
                      }
                      Thread.sleep(20);
                    }
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "sql-writer-" + name);
      thread.setDaemon(true);
      thread.start();
    }

    /** How many inserts were acknowledged so far. */
    int ackedCount() {
      synchronized (acked) {
        return acked.size();
      }
    }

    /** The acknowledged row ids. */
    List<Integer> acked() {
      synchronized (acked) {
        return List.copyOf(acked);
      }
    }

    /** When the first insert acknowledged after {@code t} was, or null if none yet. */
    Instant firstAckAfter(Instant t) {
      synchronized (acked) {
        return ackedAt.stream().filter(a -> a.isAfter(t)).findFirst().orElse(null);
      }
    }

    /**
     * When the first insert acknowledged after an insert failed after {@code t} was (the service
     * back after an outage that began at {@code t}), or null if none yet. An insert in flight at
     * {@code t} may still be acknowledged after it; it does not count.
     */
    Instant backAfterOutageFrom(Instant t) {
      synchronized (acked) {
        Instant failed = failedAt.stream().filter(f -> f.isAfter(t)).findFirst().orElse(null);
        return failed == null ? null : firstAckAfter(failed);
      }
    }

    /** The longest time between two consecutive acknowledgements. */
    Duration longestGap() {
      synchronized (acked) {
        Duration longest = Duration.ZERO;
        for (int i = 1; i < ackedAt.size(); i++) {
          Duration d = Duration.between(ackedAt.get(i - 1), ackedAt.get(i));
          if (d.compareTo(longest) > 0) {
            longest = d;
          }
        }
        return longest;
      }
    }

    /** Stops the loop and waits for the insert under way to end. */
    @Override
    public void close() throws InterruptedException {
      stop = true;
      thread.join(120_000);
      if (thread.isAlive()) {
        thread.interrupt();
      }
    }
  }
}
