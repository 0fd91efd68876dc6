/**
 * Starts and stops real PostgreSQL servers.
 *
 * <p>{@link dev.toygres.postgres.PostgresInstallations} finds binaries (delivered through Maven or
 * installed on the system), {@link dev.toygres.postgres.PostgresServer} runs one server process per
 * data directory, and {@link dev.toygres.postgres.EmbeddedPostgres} is the convenience used for the
 * embedded metadata database.
 */
package dev.toygres.postgres;
