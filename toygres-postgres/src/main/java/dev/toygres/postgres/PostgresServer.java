package dev.toygres.postgres;

import dev.toygres.postgres.internal.PostmasterPid;
import dev.toygres.postgres.internal.Processes;
import dev.toygres.postgres.internal.ServerSpec;
import dev.toygres.postgres.internal.ServerStarter;
import dev.toygres.postgres.internal.Stopper;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * One PostgreSQL server process on one data directory, listening on 127.0.0.1 only.
 *
 * <p>Create one with {@link #builder()} and {@link #start()} it, or {@link #attach(Path)} to a
 * server that is already running (for example one started by an earlier JVM: servers are started in
 * their own session and outlive the JVM unless stopped). When this JVM runs as root, initdb and
 * postgres run as uid 1000 inside a user namespace. Instances are thread-safe.
 */
public final class PostgresServer implements AutoCloseable {

  /** The only address servers listen on. */
  public static final String HOST = "127.0.0.1";

  private final ServerSpec spec;
  private final Path dataDir;
  private final Duration shutdownTimeout;
  private Process process;
  private long pid = -1;
  private int port;

  PostgresServer(ServerSpec spec) {
    this.spec = spec;
    this.dataDir = spec.dataDir();
    this.shutdownTimeout = spec.shutdownTimeout();
  }

  private PostgresServer(Path dataDir, long pid, int port) {
    this.spec = null;
    this.dataDir = dataDir;
    this.shutdownTimeout = PostgresServerBuilder.DEFAULT_SHUTDOWN_TIMEOUT;
    this.pid = pid;
    this.port = port;
  }

  /**
   * Returns a builder for a new server.
   *
   * @return a builder; at least {@link PostgresServerBuilder#dataDir(Path)} must be set
   */
  public static PostgresServerBuilder builder() {
    return new PostgresServerBuilder();
  }

  /**
   * Attaches to the server running on {@code dataDir}, as recorded in its {@code postmaster.pid}
   * (pid on line 1, port on line 4), so that this JVM can query or stop a server it did not start.
   *
   * @param dataDir the server's data directory
   * @return the running server, or empty if there is no postmaster.pid or its pid is not a live
   *     postgres process for this data directory
   */
  public static Optional<PostgresServer> attach(Path dataDir) {
    Path dir = dataDir.toAbsolutePath().normalize();
    return PostmasterPid.read(dir)
        .filter(p -> Processes.isPostgresFor(p.pid(), dir))
        .map(p -> new PostgresServer(dir, p.pid(), p.port()));
  }

  /**
   * Starts the server and returns once it answers {@code SELECT 1}. Runs initdb first if the data
   * directory has no PG_VERSION. A postgres still running on this data directory (left by an
   * earlier JVM) is stopped first; a stale postmaster.pid is dealt with.
   *
   * @return this server
   * @throws IllegalStateException if this server is running or was obtained by {@link
   *     #attach(Path)}
   * @throws PostgresException if it cannot start in time or exits; the message includes the log's
   *     tail
   */
  public synchronized PostgresServer start() {
    if (spec == null) {
      throw new IllegalStateException("an attached server cannot be started: " + dataDir);
    }
    if (isRunning()) {
      throw new IllegalStateException("already running (pid " + pid + "): " + dataDir);
    }
    ServerStarter.Started started = ServerStarter.start(spec);
    process = started.process();
    pid = started.pid();
    port = started.port();
    return this;
  }

  /**
   * Stops the server: fast shutdown (SIGINT), then after the shutdown timeout immediate shutdown
   * (SIGQUIT), then SIGKILL. Only the server's own pid is signalled, after checking it is a
   * postgres for this data directory. Does nothing if the server is not running.
   *
   * @throws PostgresException if the process is still there after SIGKILL
   */
  public synchronized void stop() {
    if (pid <= 0) {
      return;
    }
    if (!Stopper.stop(pid, process, dataDir, shutdownTimeout)) {
      throw new PostgresException("PostgreSQL (pid " + pid + ") on " + dataDir + " did not stop");
    }
    process = null;
  }

  /** Same as {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }

  /**
   * Returns the postmaster's process id.
   *
   * @return the pid, or -1 if never started
   */
  public synchronized long pid() {
    return pid;
  }

  /**
   * Returns the TCP port the server listens (or last listened) on.
   *
   * @return the port, or 0 if never started
   */
  public synchronized int port() {
    return port;
  }

  /**
   * Returns the address the server listens on.
   *
   * @return always {@value #HOST}
   */
  public String host() {
    return HOST;
  }

  /**
   * Returns the data directory.
   *
   * @return the absolute data directory
   */
  public Path dataDir() {
    return dataDir;
  }

  /**
   * Returns a JDBC URL for a database on this server (user and password are not part of it).
   *
   * @param database the database name, for example "postgres"
   * @return {@code jdbc:postgresql://127.0.0.1:<port>/<database>}
   */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://"
        + HOST
        + ":"
        + port()
        + "/"
        + URLEncoder.encode(database, StandardCharsets.UTF_8);
  }

  /**
   * Tells whether the server process is alive.
   *
   * @return true if it was started (or attached) and its postmaster is still running
   */
  public synchronized boolean isRunning() {
    return pid > 0 && Stopper.running(pid, process, dataDir);
  }

  @Override
  public String toString() {
    return "PostgresServer[dataDir=" + dataDir + ", pid=" + pid() + ", port=" + port() + "]";
  }
}
