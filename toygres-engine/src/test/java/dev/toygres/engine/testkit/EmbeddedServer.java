package dev.toygres.engine.testkit;

/** Starts the embedded PostgreSQL for tests (wired to toygres-postgres once available). */
final class EmbeddedServer {
  record Started(String jdbcUrl, String user, String password) {}

  private EmbeddedServer() {}

  static Started start() {
    throw new IllegalStateException("set TOYGRES_TEST_DATABASE_URL");
  }
}
