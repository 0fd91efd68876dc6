/**
 * Starts and stops real PostgreSQL servers.
 *
 * <p>{@link dev.toygres.postgres.PostgresInstallations} finds binaries (delivered through Maven or
 * installed on the system), {@link dev.toygres.postgres.PostgresServer} runs one server process per
 * data directory, and {@link dev.toygres.postgres.EmbeddedPostgres} is the convenience used for the
 * embedded metadata database.
 *
 * <p>Isolation: every initdb and postgres gets a clean environment (only {@code PATH} and {@code
 * LC_ALL=C}); a server can run as an unprivileged {@link dev.toygres.postgres.OsUser} ({@link
 * dev.toygres.postgres.PostgresServerBuilder#runAs(dev.toygres.postgres.OsUser)}, from a root JVM),
 * and can listen on a Unix socket in a directory only its OS user may enter, reached with the JDBC
 * URLs of {@link dev.toygres.postgres.PostgresSockets}.
 */
package dev.toygres.postgres;
