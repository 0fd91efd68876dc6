package dev.toygres.testkit;

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
 * The PostgreSQL server of one test JVM, shared by every test in it.
 *
 * <p>It is the server named by the environment variable {@value #URL_VARIABLE} (a JDBC URL; the
 * user and password come from {@code TOYGRES_TEST_DATABASE_USER}, default {@code postgres}, and
 * {@code TOYGRES_TEST_DATABASE_PASSWORD}, default empty), or else an embedded server started on
 * first use in a fresh directory {@code target/pg-*} of the working directory, with {@value
 * #MAX_CONNECTIONS} connections, stopped and its directory removed when the JVM exits.
 *
 * <p>Tests do not share state through it: each takes a fresh schema ({@link EngineFixture}, {@link
 * EngineExtension}) or a fresh database ({@link #freshDatabase}) and drops it when done.
 */
public final class TestDatabase {
  /** The environment variable that names an existing server to use instead of an embedded one. */
  public static final String URL_VARIABLE = "TOYGRES_TEST_DATABASE_URL";

  /** The embedded server's {@code max_connections}: enough for several workers' pools at once. */
  public static final int MAX_CONNECTIONS = 300;

  private static String url;
  private static String user;
  private static String password;

  private TestDatabase() {}

  private static synchronized void init() {
    if (url != null) {
      return;
    }
    String env = System.getenv(URL_VARIABLE);
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
                EmbeddedPostgresOptions.of(dir)
                    .withSettings(Map.of("max_connections", Integer.toString(MAX_CONNECTIONS))))
            .withoutShutdownHook();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    pg.close();
                  } finally {
                    deleteTree(dir);
                  }
                },
                "test-database-cleanup"));
    url = pg.jdbcUrl();
    user = pg.user();
    password = pg.password();
  }

  /**
   * The JDBC URL of the test server's default database, starting the server on first use.
   *
   * @return the URL
   */
  public static String jdbcUrl() {
    init();
    return url;
  }

  /**
   * The user tests connect as (a superuser on the embedded server).
   *
   * @return the user name
   */
  public static String user() {
    init();
    return user;
  }

  /**
   * The password of {@link #user()}.
   *
   * @return the password
   */
  public static String password() {
    init();
    return password;
  }

  /**
   * A new pool on the test server's default database.
   *
   * @param size the pool's maximum size
   * @return the pool; the caller closes it
   */
  public static HikariDataSource pool(int size) {
    init();
    return pool(url, "test-" + size, size);
  }

  /**
   * A new, empty database on the test server and a pool on it.
   *
   * @param size the pool's maximum size
   * @return the database; {@link Fresh#close()} closes the pool and drops the database
   */
  public static Fresh freshDatabase(int size) {
    init();
    String name = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    execute("CREATE DATABASE " + name);
    return new Fresh(name, pool(urlFor(name), name, size));
  }

  /**
   * A database made by {@link #freshDatabase} and its pool.
   *
   * @param name the database name
   * @param pool a pool on it
   */
  public record Fresh(String name, HikariDataSource pool) implements AutoCloseable {
    /** Closes the pool and drops the database (with its connections). */
    @Override
    public void close() {
      pool.close();
      execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
  }

  private static HikariDataSource pool(String jdbcUrl, String name, int size) {
    HikariConfig cfg = new HikariConfig();
    cfg.setJdbcUrl(jdbcUrl);
    cfg.setUsername(user);
    cfg.setPassword(password);
    cfg.setMaximumPoolSize(size);
    cfg.setMinimumIdle(1);
    cfg.setPoolName(name);
    return new HikariDataSource(cfg);
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
      // best effort at JVM exit; mvn clean removes target/ anyway
    }
  }
}
