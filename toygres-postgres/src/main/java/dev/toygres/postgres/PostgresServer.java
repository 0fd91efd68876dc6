package dev.toygres.postgres;

import dev.toygres.postgres.internal.PostmasterPid;
import dev.toygres.postgres.internal.Processes;
import dev.toygres.postgres.internal.ServerSpec;
import dev.toygres.postgres.internal.ServerStarter;
import dev.toygres.postgres.internal.Stopper;
import dev.toygres.postgres.internal.Terminator;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * One PostgreSQL server process on one data directory, listening on 127.0.0.1 only, and optionally
 * on a Unix socket in a private directory ({@link
 * PostgresServerBuilder#unixSocketDirectory(Path)}).
 *
 * <p>Create one with {@link #builder()} and {@link #start()} it, or {@link #attach(Path)} to a
 * server that is already running (for example one started by an earlier JVM: servers are started in
 * their own session and outlive the JVM unless stopped). initdb and postgres run as the {@link
 * PostgresServerBuilder#runAs(OsUser) run-as user} if one is set, else as this JVM's user (under
 * root: as uid 1000 inside a user namespace), always with a clean environment (only {@code PATH}
 * and {@code LC_ALL=C}). Instances are thread-safe.
 */
public final class PostgresServer implements AutoCloseable {

  /** The only address servers listen on. */
  public static final String HOST = "127.0.0.1";

  private final ServerSpec spec;
  private final Path dataDir;
  private final Duration shutdownTimeout;
  private final Path socketDir;
  private Process process;
  private long pid = -1;
  private int port;

  PostgresServer(ServerSpec spec) {
    this.spec = spec;
    this.dataDir = spec.dataDir();
    this.shutdownTimeout = spec.shutdownTimeout();
    this.socketDir = spec.socketDir();
  }

  private PostgresServer(Path dataDir, PostmasterPid running) {
    this.spec = null;
    this.dataDir = dataDir;
    this.shutdownTimeout = PostgresServerBuilder.DEFAULT_SHUTDOWN_TIMEOUT;
    this.socketDir = running.socketDir().isEmpty() ? null : Path.of(running.socketDir());
    this.pid = running.pid();
    this.port = running.port();
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
   * (pid on line 1, port on line 4, first socket directory on line 5), so that this JVM can query,
   * reload or stop a server it did not start (as root: whichever OS user it runs as).
   *
   * @param dataDir the server's data directory
   * @return the running server, or empty if there is no postmaster.pid or its pid is not a live
   *     postgres process for this data directory
   */
  public static Optional<PostgresServer> attach(Path dataDir) {
    Path dir = dataDir.toAbsolutePath().normalize();
    return PostmasterPid.read(dir)
        .filter(p -> Processes.isPostgresFor(p.pid(), dir))
        .map(p -> new PostgresServer(dir, p));
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

  /**
   * Ends the server on {@code dataDir} for good, whichever process started it and whatever state it
   * is in: a fast shutdown (SIGINT) if its postmaster is not frozen, SIGKILL if it is (SIGSTOP) or
   * if the fast shutdown takes longer than {@code grace}; then SIGKILL for every postgres process
   * still running in that data directory (a killed postmaster's children outlive it for a moment,
   * or longer when frozen). Only postgres processes whose working directory is {@code dataDir} are
   * signalled. Nothing happens if none runs.
   *
   * @param dataDir the server's data directory
   * @param grace how long the fast shutdown may take
   * @throws PostgresException if a process of the server is still there afterwards
   */
  public static void terminate(Path dataDir, Duration grace) {
    if (!Terminator.terminate(dataDir, grace)) {
      throw new PostgresException(
          "PostgreSQL on "
              + dataDir
              + " did not end: processes "
              + Terminator.processesIn(dataDir.toAbsolutePath().normalize())
              + " survive SIGKILL");
    }
  }

  /**
   * The pids of the postgres processes running in {@code dataDir} (the postmaster and its children,
   * including children of a postmaster that died).
   *
   * @param dataDir a server's data directory
   * @return the pids, empty if none
   */
  public static java.util.List<Long> processes(Path dataDir) {
    return Terminator.processesIn(dataDir.toAbsolutePath().normalize());
  }

  /**
   * Makes the server re-read its configuration files (postgresql.conf, pg_hba.conf, pg_ident.conf):
   * sends SIGHUP to the postmaster, after checking that its pid is a postgres for this data
   * directory. Asynchronous: the postmaster applies the files shortly after this returns; new
   * connections then follow the new pg_hba.conf.
   *
   * @throws PostgresException if the server is not running, or the signal cannot be sent
   */
  public synchronized void reload() {
    if (pid <= 0 || !Processes.isPostgresFor(pid, dataDir)) {
      throw new PostgresException(
          "Cannot reload the configuration of PostgreSQL on " + dataDir + ": it is not running");
    }
    if (!Processes.signal(pid, "HUP")) {
      throw new PostgresException(
          "Cannot send SIGHUP to PostgreSQL (pid " + pid + ") on " + dataDir);
    }
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
   * Returns the Unix socket directory.
   *
   * @return the absolute directory, or null if the server has no Unix socket
   */
  public Path socketDirectory() {
    return socketDir;
  }

  /**
   * Returns the server's Unix socket file, {@code <socketDirectory>/.s.PGSQL.<port>}.
   *
   * @return the socket file, or null if the server has no Unix socket or has not started yet (its
   *     port is not known)
   */
  public Path socketFile() {
    int current = port();
    return socketDir == null || current == 0
        ? null
        : PostgresSockets.socketFile(socketDir, current);
  }

  /**
   * Returns a JDBC URL that connects to a database on this server through its Unix socket (user and
   * password are not part of it); see {@link PostgresSockets#jdbcUrl(Path, int, String)}.
   *
   * @param database the database name, for example "postgres"
   * @return the URL
   * @throws IllegalStateException if the server has no Unix socket or has not started yet
   */
  public String socketJdbcUrl(String database) {
    int current = port();
    if (socketDir == null || current == 0) {
      throw new IllegalStateException(
          "no Unix socket "
              + (socketDir == null ? "configured" : "yet (not started)")
              + " for PostgreSQL on "
              + dataDir);
    }
    return PostgresSockets.jdbcUrl(socketDir, current, database);
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
    return "PostgresServer[dataDir="
        + dataDir
        + ", pid="
        + pid()
        + ", port="
        + port()
        + (socketDir == null ? "" : ", socketDirectory=" + socketDir)
        + "]";
  }
}
