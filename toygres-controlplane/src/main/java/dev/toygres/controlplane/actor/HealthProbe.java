package dev.toygres.controlplane.actor;

import dev.toygres.controlplane.cms.HealthStatus;
import dev.toygres.controlplane.cms.ProbeResult;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Connects to an instance and asks it how it is: version, recovery, uptime, connections. The
 * response time is measured here, around the connection and the queries.
 */
public final class HealthProbe {
  private static final String QUERY =
      """
      SELECT version(), pg_is_in_recovery(),
             extract(epoch FROM now() - pg_postmaster_start_time())::bigint,
             (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'),
             current_setting('max_connections')::int""";

  private final Duration timeout;

  public HealthProbe(Duration timeout) {
    this.timeout = timeout;
  }

  public ProbeResult probe(String host, int port, String user, String password) {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    String secs = Long.toString(Math.max(1, (timeout.toMillis() + 999) / 1000));
    p.setProperty("connectTimeout", secs);
    p.setProperty("socketTimeout", secs);
    p.setProperty("loginTimeout", secs);
    p.setProperty("ApplicationName", "toygres-health");
    long start = System.nanoTime();
    try (Connection c =
            DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/postgres", p);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(QUERY)) {
      rs.next();
      double ms = (System.nanoTime() - start) / 1e6;
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("in_recovery", rs.getBoolean(2));
      details.put("uptime_seconds", rs.getLong(3));
      details.put("connections", rs.getInt(4));
      details.put("max_connections", rs.getInt(5));
      return new ProbeResult(HealthStatus.HEALTHY, rs.getString(1), ms, null, details);
    } catch (SQLException e) {
      double ms = (System.nanoTime() - start) / 1e6;
      String msg =
          e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
      return new ProbeResult(
          HealthStatus.UNHEALTHY,
          null,
          ms,
          msg,
          Map.of("sql_state", String.valueOf(e.getSQLState())));
    }
  }
}
