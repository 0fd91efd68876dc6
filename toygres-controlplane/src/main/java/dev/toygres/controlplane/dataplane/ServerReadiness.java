package dev.toygres.controlplane.dataplane;

import dev.toygres.postgres.PostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * Decides whether a freshly launched postmaster accepts connections without logging in: its {@code
 * postmaster.pid} reports "ready" and a connection attempt gets as far as authentication.
 */
final class ServerReadiness {

  private ServerReadiness() {}

  /** Null once the server answers; else why it did not. */
  static String await(Process process, Path dataDir, InstanceMetadata meta, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer";
    while (System.nanoTime() - deadline < 0) {
      if (!process.isAlive()) {
        return "postgres exited with code " + process.exitValue() + " during startup";
      }
      if (!reportsReady(dataDir, process.pid())) {
        last = "postmaster.pid does not report ready yet";
        if (!sleep()) {
          return "interrupted while waiting for postgres to start";
        }
        continue;
      }
      Properties props = new Properties();
      props.setProperty("user", meta.adminUser());
      props.setProperty("connectTimeout", "2");
      props.setProperty("loginTimeout", "5");
      String url = "jdbc:postgresql://" + PostgresServer.HOST + ":" + meta.port() + "/postgres";
      try (Connection c = new org.postgresql.Driver().connect(url, props)) {
        return null; // trust authentication: logged in
      } catch (SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        // 08004: the server asked for a password; 28xxx: it refused the login. Either way it is up.
        if (state.equals("08004") || state.startsWith("28")) {
          return null;
        }
        last = e.getMessage();
      }
      if (!sleep()) {
        return "interrupted while waiting for postgres to start";
      }
    }
    return "postgres did not accept connections within " + timeout + " (last error: " + last + ")";
  }

  /**
   * Whether {@code postmaster.pid} names this process and reports "ready" (its 8th line, written
   * once the server accepts connections; what {@code pg_ctl -w} waits for). This excludes another
   * server answering on the same port.
   */
  private static boolean reportsReady(Path dataDir, long pid) {
    try {
      List<String> lines = Files.readAllLines(dataDir.resolve("postmaster.pid"));
      return lines.size() >= 8
          && lines.get(0).trim().equals(Long.toString(pid))
          && lines.get(7).trim().equals("ready");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static boolean sleep() {
    try {
      Thread.sleep(100);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
