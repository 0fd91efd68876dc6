package dev.toygres.engine.store;

import dev.toygres.engine.store.internal.Sql;
import dev.toygres.engine.store.internal.UntimedConnections;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies versioned Flyway migrations to one schema under a PostgreSQL advisory lock, so that
 * several processes starting at once migrate one after the other. {@code ${schema}} in the scripts
 * is the schema name.
 *
 * <p>The pool's connections carry statement and socket timeouts ({@link DatabaseTimeouts}); a
 * migration must not be cut off by them, nor a process waiting for another's migration. So the lock
 * is polled ({@code pg_try_advisory_lock} every 200 ms, no statement waits), and the connections
 * Flyway uses run without statement timeout and network timeout, restored when they go back to the
 * pool.
 */
public final class SchemaMigrations {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrations.class);
  private static final long POLL_MILLIS = 200;

  private SchemaMigrations() {}

  /**
   * Migrates {@code schema}, waiting (without limit, politely) for another process's migration of
   * the same schema to finish first.
   *
   * @param location a classpath folder, e.g. {@code classpath:dev/toygres/engine/store/migration}
   * @throws StoreException if the database fails or a migration script does
   */
  public static void apply(
      DataSource ds, String schema, String location, Map<String, String> placeholders) {
    Sql.checkSchema(schema);
    String lockName = "toygres-migrate:" + schema;
    try (Connection lock = ds.getConnection()) {
      awaitLock(lock, lockName, schema);
      try {
        Map<String, String> all = new HashMap<>(placeholders);
        all.put("schema", schema);
        Flyway.configure()
            .dataSource(new UntimedConnections(ds))
            .schemas(schema)
            .defaultSchema(schema)
            .createSchemas(true)
            .table("flyway_schema_history")
            .locations(location)
            .placeholders(all)
            .loggers("slf4j")
            .load()
            .migrate();
      } finally {
        try (PreparedStatement ps =
            lock.prepareStatement("SELECT pg_advisory_unlock(hashtext(?))")) {
          ps.setString(1, lockName);
          ps.execute();
        }
      }
    } catch (SQLException e) {
      throw Sql.translate("migrating schema " + schema, e);
    }
  }

  private static void awaitLock(Connection c, String lockName, String schema) throws SQLException {
    boolean logged = false;
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(hashtext(?))")) {
      ps.setString(1, lockName);
      while (true) {
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          if (rs.getBoolean(1)) {
            return;
          }
        }
        if (!logged) {
          LOG.info("waiting for another process's migration of schema {} to finish", schema);
          logged = true;
        }
        try {
          Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new StoreException("interrupted while waiting to migrate schema " + schema, e);
        }
      }
    }
  }
}
