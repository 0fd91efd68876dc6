package dev.toygres.engine.store;

import dev.toygres.engine.store.internal.Sql;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The engine's state in PostgreSQL, in one schema (default {@code toygres_durable}) reached through
 * one connection pool. Give it to a {@code DurableClient} to start and manage orchestrations and to
 * a {@code DurableWorker} to run them; any number of clients and workers, in any number of
 * processes, may share one schema. Thread-safe.
 */
public final class PostgresStore {
  public static final String DEFAULT_SCHEMA = "toygres_durable";
  private final DataSource ds;
  private final String schema;

  /**
   * @param schema lower-case letters, digits and underscores; throws {@link
   *     IllegalArgumentException} otherwise
   */
  public PostgresStore(DataSource ds, String schema) {
    this.ds = ds;
    this.schema = Sql.checkSchema(schema);
  }

  public String schema() {
    return schema;
  }

  public DataSource dataSource() {
    return ds;
  }

  /** Creates or upgrades the schema; safe when several processes call it at once. */
  public void migrate() {
    SchemaMigrations.apply(ds, schema, "classpath:dev/toygres/engine/store/migration", Map.of());
  }
}
