package dev.toygres.engine.store.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Applies the engine's versioned migrations with Flyway, under a PostgreSQL advisory lock so that
 * several processes starting at once migrate one after the other.
 */
public final class Migrations {
  private Migrations() {}

  public static void apply(DataSource ds, String schema) throws SQLException {
    try (Connection lock = ds.getConnection()) {
      try (PreparedStatement ps = lock.prepareStatement("SELECT pg_advisory_lock(hashtext(?))")) {
        ps.setString(1, "toygres-engine-migrate:" + schema);
        ps.execute();
      }
      try {
        Flyway.configure()
            .dataSource(ds)
            .schemas(schema)
            .defaultSchema(schema)
            .createSchemas(true)
            .table("flyway_schema_history")
            .locations("classpath:dev/toygres/engine/store/migration")
            .placeholders(Map.of("schema", schema))
            .loggers("slf4j")
            .load()
            .migrate();
      } finally {
        try (PreparedStatement ps = lock.prepareStatement("SELECT pg_advisory_unlock(hashtext(?))")) {
          ps.setString(1, "toygres-engine-migrate:" + schema);
          ps.execute();
        }
      }
    }
  }
}
