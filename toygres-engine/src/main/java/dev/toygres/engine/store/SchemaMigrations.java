package dev.toygres.engine.store;

import dev.toygres.engine.store.internal.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Applies versioned Flyway migrations to one schema under a PostgreSQL advisory lock, so that
 * several processes starting at once migrate one after the other. {@code ${schema}} in the scripts
 * is the schema name.
 */
public final class SchemaMigrations {
  private SchemaMigrations() {}

  /**
   * @param location a classpath folder, e.g. {@code classpath:dev/toygres/engine/store/migration}
   */
  public static void apply(
      DataSource ds, String schema, String location, Map<String, String> placeholders) {
    Sql.checkSchema(schema);
    String lockName = "toygres-migrate:" + schema;
    try (Connection lock = ds.getConnection()) {
      try (PreparedStatement ps = lock.prepareStatement("SELECT pg_advisory_lock(hashtext(?))")) {
        ps.setString(1, lockName);
        ps.execute();
      }
      try {
        Map<String, String> all = new HashMap<>(placeholders);
        all.put("schema", schema);
        Flyway.configure()
            .dataSource(ds)
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
}
