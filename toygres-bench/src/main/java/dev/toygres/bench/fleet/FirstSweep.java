package dev.toygres.bench.fleet;

import dev.toygres.controlplane.cms.CmsStore;
import dev.toygres.controlplane.config.Durations;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;

/** Waits until every instance has had its first check, with progress every 10 s. */
final class FirstSweep {
  static final Duration TIMEOUT = Duration.ofMinutes(15);

  private FirstSweep() {}

  /** Returns how many of the {@code n} instances never had a check ({@link #TIMEOUT}). */
  static int await(Connection m, int n, PrintStream log) throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    long lastLog = System.nanoTime();
    while (true) {
      int checked = checked(m);
      if (checked >= n) {
        return 0;
      }
      if (System.nanoTime() > deadline) {
        log.printf(
            Locale.ROOT,
            "bench-fleet: %,d instances still had no check after %s; measuring anyway%n",
            n - checked,
            Durations.format(TIMEOUT));
        return n - checked;
      }
      if (System.nanoTime() - lastLog > 10e9) {
        log.printf(Locale.ROOT, "bench-fleet: %,d of %,d instances checked once%n", checked, n);
        lastLog = System.nanoTime();
      }
      Thread.sleep(500);
    }
  }

  private static int checked(Connection m) throws SQLException {
    try (Statement st = m.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT count(*) FROM "
                    + CmsStore.SCHEMA
                    + ".instances WHERE last_health_check IS NOT NULL")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
