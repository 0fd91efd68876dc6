package dev.toygres.postgres;

import dev.toygres.postgres.internal.DataDirLock;
import dev.toygres.postgres.internal.EmbeddedFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The embedded metadata database: a durable PostgreSQL server owned by this JVM, running as this
 * JVM's user (under root: as uid 1000 inside a user namespace), never as another OS user.
 *
 * <p>Layout of the directory given to {@link #start(Path)} (mode 0700): {@code pgdata/} (the
 * cluster), {@code password} (the generated superuser password, mode 0600, reused on later starts),
 * {@code port} (the last port, reused if still free; mode 0600), {@code postgres.log} (mode 0600)
 * and {@code lock} (held while this JVM owns the directory). Modes of existing files are fixed at
 * each start. The server runs with fsync, synchronous_commit and full_page_writes on. A server left
 * running by a JVM that died (even by SIGKILL), or a stale postmaster.pid, is handled: the old
 * server is stopped first.
 */
public final class EmbeddedPostgres implements AutoCloseable {

  /** The superuser name. */
  public static final String USER = "postgres";

  private volatile PostgresServer server;
  private final EmbeddedPostgresOptions options;
  private final String password;
  private final DataDirLock lock;
  private final Thread shutdownHook;
  private boolean closed;

  private EmbeddedPostgres(
      PostgresServer server, EmbeddedPostgresOptions options, String password, DataDirLock lock) {
    this.server = server;
    this.options = options;
    this.password = password;
    this.lock = lock;
    this.shutdownHook = new Thread(this::stopQuietly, "toygres-embedded-postgres-shutdown");
  }

  /**
   * Starts (initializing on first use) the embedded database in {@code dataDir} with default
   * options.
   *
   * @param dataDir the directory holding the cluster and its state files; created if missing
   * @return the running database; {@link #close()} it to stop the server
   * @throws PostgresException if it cannot start, or the directory is in use by another live
   *     process
   */
  public static EmbeddedPostgres start(Path dataDir) {
    return start(EmbeddedPostgresOptions.of(dataDir));
  }

  /**
   * Starts (initializing on first use) the embedded database described by {@code options}, creates
   * the database {@link EmbeddedPostgresOptions#database()} if absent, and registers a JVM shutdown
   * hook that stops the server if {@link #close()} was not called.
   *
   * @param options where and how to run
   * @return the running database; {@link #close()} it to stop the server
   * @throws PostgresException if it cannot start, or the directory is in use by another live
   *     process
   */
  public static EmbeddedPostgres start(EmbeddedPostgresOptions options) {
    Path dir = options.dataDir();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new PostgresException("Cannot create " + dir + ": " + e.getMessage(), e);
    }
    DataDirLock lock = DataDirLock.acquire(dir);
    try {
      EmbeddedFiles.makePrivate(dir);
      String password =
          EmbeddedFiles.password(
              dir.resolve("password"),
              Files.isRegularFile(dir.resolve(EmbeddedServer.PGDATA).resolve("PG_VERSION")));
      PostgresServer server = EmbeddedServer.start(options, USER, password);
      EmbeddedPostgres db = new EmbeddedPostgres(server, options, password, lock);
      Runtime.getRuntime().addShutdownHook(db.shutdownHook);
      return db;
    } catch (IOException e) {
      lock.close();
      throw new PostgresException(
          "Cannot start the embedded database in " + dir + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  /**
   * Returns the JDBC URL of the database {@link EmbeddedPostgresOptions#database()}.
   *
   * @return a URL such as {@code jdbc:postgresql://127.0.0.1:54321/toygres}
   */
  public String jdbcUrl() {
    return server.jdbcUrl(options.database());
  }

  /**
   * Returns the JDBC URL of another database on the same server.
   *
   * @param database the database name
   * @return the URL
   */
  public String jdbcUrl(String database) {
    return server.jdbcUrl(database);
  }

  /**
   * Returns the superuser name to connect with.
   *
   * @return {@value #USER}
   */
  public String user() {
    return USER;
  }

  /**
   * Returns the superuser password (also stored in {@code <dataDir>/password}).
   *
   * @return the password
   */
  public String password() {
    return password;
  }

  /**
   * Returns the name of the application database.
   *
   * @return the database name
   */
  public String database() {
    return options.database();
  }

  /**
   * Returns the underlying server (for its port, pid and so on).
   *
   * @return the server
   */
  public PostgresServer server() {
    return server;
  }

  /**
   * Tells whether the server's postmaster is alive (a paused one is alive). Does not block.
   *
   * @return true while the server runs
   */
  public boolean isRunning() {
    return server.isRunning();
  }

  /**
   * Starts the server again, on the same data directory and the same port, if its postmaster has
   * died (killed, crashed): PostgreSQL recovers from its WAL, and clients reconnect to the same
   * URL. Does nothing while it runs.
   *
   * @return true if it was restarted, false if it was running
   * @throws IllegalStateException if this database was closed
   * @throws PostgresException if it cannot start again now (e.g. the port is still in use, or
   *     backends of the dead server still hold its shared memory); try again later
   */
  public synchronized boolean restartIfDead() {
    if (closed) {
      throw new IllegalStateException("the embedded database was closed: " + options.dataDir());
    }
    if (server.isRunning()) {
      return false;
    }
    try {
      server = EmbeddedServer.restart(options, USER, password, server.port());
      return true;
    } catch (IOException e) {
      throw new PostgresException(
          "Cannot restart the embedded database in " + options.dataDir() + ": " + e.getMessage(),
          e);
    }
  }

  /**
   * Removes the JVM shutdown hook registered by {@link #start}, for an owner that stops this
   * database itself, in order, from its own shutdown hook (two hooks would run concurrently, and
   * the database could stop while the owner still uses it).
   *
   * @return this database
   */
  public EmbeddedPostgres withoutShutdownHook() {
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down
    }
    return this;
  }

  /** Stops the server and releases the directory; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down; the hook is running or will run
    }
    try {
      server.stop();
    } finally {
      lock.close();
    }
  }

  private void stopQuietly() {
    try {
      close();
    } catch (RuntimeException e) {
      System.err.println("toygres: could not stop embedded PostgreSQL: " + e.getMessage());
    }
  }
}
