package dev.toygres.engine.testkit;

import dev.toygres.postgres.EmbeddedPostgres;
import dev.toygres.postgres.EmbeddedPostgresOptions;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The embedded PostgreSQL of one test JVM: started on first use in a fresh directory under {@code
 * target/}, stopped by the embedded server's shutdown hook when the JVM exits.
 */
final class EmbeddedServer {
  record Started(String jdbcUrl, String user, String password) {}

  private EmbeddedServer() {}

  static Started start() {
    try {
      Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "pg-");
      EmbeddedPostgres pg =
          EmbeddedPostgres.start(
              EmbeddedPostgresOptions.of(dir)
                  .withSettings(java.util.Map.of("max_connections", "300")));
      return new Started(pg.jdbcUrl(), pg.user(), pg.password());
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot create a directory for the test database", e);
    }
  }
}
