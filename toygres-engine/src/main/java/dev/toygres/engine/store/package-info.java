/**
 * Where the engine keeps its state: {@link dev.toygres.engine.store.PostgresStore}, one schema of a
 * PostgreSQL database reached through one pool, migrated with {@link
 * dev.toygres.engine.store.SchemaMigrations}, and shared by clients and workers in any number of
 * processes. {@link dev.toygres.engine.store.DatabaseUrl} reads the usual URL forms, and {@link
 * dev.toygres.engine.store.StoreException} reports what the database refused.
 */
package dev.toygres.engine.store;
