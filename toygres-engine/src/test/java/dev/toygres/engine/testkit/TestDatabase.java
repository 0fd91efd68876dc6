package dev.toygres.engine.testkit;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * The PostgreSQL server for one test JVM: the one named by {@code TOYGRES_TEST_DATABASE_URL}, or
 * else an embedded server started once and stopped when the JVM exits.
 */
public final class TestDatabase {
  private static String url;
  private static String user;
  private static String password;

  private TestDatabase() {}

  private static synchronized void init() {
    if (url != null) {
      return;
    }
    String env = System.getenv("TOYGRES_TEST_DATABASE_URL");
    if (env != null && !env.isBlank()) {
      url = env;
      user = System.getenv().getOrDefault("TOYGRES_TEST_DATABASE_USER", "postgres");
      password = System.getenv().getOrDefault("TOYGRES_TEST_DATABASE_PASSWORD", "");
      return;
    }
    EmbeddedServer.Started s = EmbeddedServer.start();
    url = s.jdbcUrl();
    user = s.user();
    password = s.password();
  }

  public static String jdbcUrl() {
    init();
    return url;
  }

  public static String user() {
    init();
    return user;
  }

  public static String password() {
    init();
    return password;
  }

  /** A new pool of the given size; the caller closes it. */
  public static HikariDataSource pool(int size) {
    init();
    HikariConfig cfg = new HikariConfig();
    cfg.setJdbcUrl(url);
    cfg.setUsername(user);
    cfg.setPassword(password);
    cfg.setMaximumPoolSize(size);
    cfg.setMinimumIdle(1);
    cfg.setPoolName("test-" + size);
    return new HikariDataSource(cfg);
  }
}
