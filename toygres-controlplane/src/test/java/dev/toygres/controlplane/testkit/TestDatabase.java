package dev.toygres.controlplane.testkit;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.toygres.postgres.EmbeddedPostgres;
import dev.toygres.postgres.EmbeddedPostgresOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The PostgreSQL server of one test JVM: the one named by {@code TOYGRES_TEST_DATABASE_URL}, or
 * else an embedded server started on first use in a fresh directory under {@code target/}, stopped
 * and removed when the JVM exits. Tests take a fresh schema on it.
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
    Path dir;
    try {
      Path target = Files.createDirectories(Path.of("target").toAbsolutePath());
      dir = Files.createTempDirectory(target, "pg-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a directory for the test database", e);
    }
    EmbeddedPostgres pg =
        EmbeddedPostgres.start(
            EmbeddedPostgresOptions.of(dir).withSettings(Map.of("max_connections", "200")));
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  pg.close();
                  deleteTree(dir);
                },
                "test-database-cleanup"));
    url = pg.jdbcUrl();
    user = pg.user();
    password = pg.password();
  }

  /** A new pool of the given size on the test server; the caller closes it. */
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

  /** A pool on a new, empty database of the test server; drop it with {@link #drop}. */
  public static Fresh freshDatabase(int size) {
    init();
    String name = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    execute("CREATE DATABASE " + name);
    HikariConfig cfg = new HikariConfig();
    cfg.setJdbcUrl(urlFor(name));
    cfg.setUsername(user);
    cfg.setPassword(password);
    cfg.setMaximumPoolSize(size);
    cfg.setMinimumIdle(1);
    cfg.setPoolName(name);
    return new Fresh(name, new HikariDataSource(cfg));
  }

  /** A database made by {@link #freshDatabase} and its pool. */
  public record Fresh(String name, HikariDataSource pool) implements AutoCloseable {
    /** Closes the pool and drops the database. */
    @Override
    public void close() {
      pool.close();
      execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
  }

  private static void execute(String sql) {
    try (Connection c = DriverManager.getConnection(url, user, password);
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  /** The server's URL with another database name (any query string kept). */
  private static String urlFor(String database) {
    int query = url.indexOf('?');
    String base = query < 0 ? url : url.substring(0, query);
    String rest = query < 0 ? "" : url.substring(query);
    return base.substring(0, base.lastIndexOf('/') + 1) + database + rest;
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort at JVM exit; target/ is removed by mvn clean anyway
    }
  }
}
