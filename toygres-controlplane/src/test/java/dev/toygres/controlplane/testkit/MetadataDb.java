package dev.toygres.controlplane.testkit;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.toygres.engine.client.DurableClient;
import dev.toygres.engine.store.PostgresStore;
import dev.toygres.postgres.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Direct access to a server's embedded metadata database, for tests that act behind the API's back
 * (as an operator with psql, or a fault, would): SQL on the CMS and an engine client.
 */
public final class MetadataDb implements AutoCloseable {
  private final HikariDataSource pool;

  private MetadataDb(HikariDataSource pool) {
    this.pool = pool;
  }

  /** Opens a small pool to the embedded database of the server whose data directory is given. */
  public static MetadataDb of(Path serverDataDir) throws IOException {
    Path dir = serverDataDir.resolve("postgres");
    HikariConfig cfg = new HikariConfig();
    cfg.setJdbcUrl(
        "jdbc:postgresql://127.0.0.1:" + Files.readString(dir.resolve("port")).trim() + "/toygres");
    cfg.setUsername(EmbeddedPostgres.USER);
    cfg.setPassword(Files.readString(dir.resolve("password")).trim());
    cfg.setMaximumPoolSize(4);
    cfg.setPoolName("test-metadata");
    return new MetadataDb(new HikariDataSource(cfg));
  }

  public Connection connection() throws SQLException {
    return pool.getConnection();
  }

  public int update(String sql) throws SQLException {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      return s.executeUpdate(sql);
    }
  }

  public DurableClient engine() {
    return new DurableClient(new PostgresStore(pool, PostgresStore.DEFAULT_SCHEMA));
  }

  /** A plain connection (not pooled) for holding a transaction open. */
  public Connection openTransaction() throws SQLException {
    Connection c =
        DriverManager.getConnection(pool.getJdbcUrl(), pool.getUsername(), pool.getPassword());
    c.setAutoCommit(false);
    return c;
  }

  @Override
  public void close() {
    pool.close();
  }
}
