package dev.toygres.controlplane.testkit;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.toygres.postgres.EmbeddedPostgres;
import dev.toygres.postgres.EmbeddedPostgresOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
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

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort at JVM exit; target/ is removed by mvn clean anyway
    }
  }
}
