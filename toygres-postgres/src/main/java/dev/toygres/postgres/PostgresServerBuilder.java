package dev.toygres.postgres;

import dev.toygres.postgres.internal.ServerSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Configures a {@link PostgresServer}; obtained from {@link PostgresServer#builder()}. Not
 * thread-safe.
 */
public final class PostgresServerBuilder {

  static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

  private PostgresInstallation installation;
  private Path dataDir;
  private int port;
  private String superuser = "postgres";
  private String password;
  private final Map<String, String> settings = new LinkedHashMap<>();
  private Duration startupTimeout = Duration.ofSeconds(60);
  private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
  private Path logFile;
  private Path socketDir;
  private OsUser runAs;

  PostgresServerBuilder() {}

  /**
   * Sets the binaries to run; default {@link PostgresInstallations#defaultInstallation()}.
   *
   * @param installation the installation
   * @return this builder
   */
  public PostgresServerBuilder installation(PostgresInstallation installation) {
    this.installation = Objects.requireNonNull(installation, "installation");
    return this;
  }

  /**
   * Sets the data directory (required). initdb runs on first start if it has no PG_VERSION.
   *
   * @param dataDir the data directory; missing parents are created
   * @return this builder
   */
  public PostgresServerBuilder dataDir(Path dataDir) {
    this.dataDir = dataDir.toAbsolutePath().normalize();
    return this;
  }

  /**
   * Sets the TCP port on 127.0.0.1; default 0, which picks a free port at each start.
   *
   * @param port 0 to 65535
   * @return this builder
   */
  public PostgresServerBuilder port(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    this.port = port;
    return this;
  }

  /**
   * Sets the bootstrap superuser created by initdb; default "postgres".
   *
   * @param superuser a plain identifier not starting with "pg_"
   * @return this builder
   */
  public PostgresServerBuilder superuser(String superuser) {
    this.superuser = ServerSpec.checkSuperuser(superuser);
    return this;
  }

  /**
   * Sets the superuser password. With a password, initdb sets it and configures scram-sha-256 for
   * host and local connections; without one (the default) every connection is trusted. Only used by
   * initdb: an existing data directory keeps its own authentication setup.
   *
   * @param password a non-empty password without line breaks, or null for trust authentication
   * @return this builder
   */
  public PostgresServerBuilder password(String password) {
    this.password = password == null ? null : ServerSpec.checkPassword(password);
    return this;
  }

  /**
   * Adds a server setting, passed as {@code -c key=value}. listen_addresses, port,
   * unix_socket_directories, unix_socket_permissions and data_directory are managed by the server
   * and rejected.
   *
   * @param key the setting name
   * @param value its value
   * @return this builder
   */
  public PostgresServerBuilder setting(String key, String value) {
    ServerSpec.checkSetting(key, value);
    settings.put(key, value);
    return this;
  }

  /**
   * Adds several server settings, as {@link #setting(String, String)}.
   *
   * @param settings setting names and values
   * @return this builder
   */
  public PostgresServerBuilder settings(Map<String, String> settings) {
    settings.forEach(this::setting);
    return this;
  }

  /**
   * Sets how long {@link PostgresServer#start()} waits for the server to answer; default 60
   * seconds.
   *
   * @param timeout a positive duration
   * @return this builder
   */
  public PostgresServerBuilder startupTimeout(Duration timeout) {
    this.startupTimeout = positive(timeout);
    return this;
  }

  /**
   * Sets how long {@link PostgresServer#stop()} waits after SIGINT before escalating; default 30
   * seconds.
   *
   * @param timeout a positive duration
   * @return this builder
   */
  public PostgresServerBuilder shutdownTimeout(Duration timeout) {
    this.shutdownTimeout = positive(timeout);
    return this;
  }

  /**
   * Sets the file the server's output is appended to; default {@code <dataDir>.log} next to the
   * data dir.
   *
   * @param logFile the log file; missing parents are created
   * @return this builder
   */
  public PostgresServerBuilder logFile(Path logFile) {
    this.logFile = logFile.toAbsolutePath().normalize();
    return this;
  }

  /**
   * Enables a Unix-domain socket in {@code socketDir}; by default Unix sockets are disabled. At
   * each start the directory is created if missing and must end up a real directory (not a symbolic
   * link) owned by the server's OS user (the {@link #runAs(OsUser)} user, else this JVM's) with
   * mode 0700; owner and mode are fixed where this JVM may (as root, or as its owner). The socket
   * itself gets mode 0700 ({@code unix_socket_permissions}), and {@link PostgresServer#start()}
   * then checks readiness through the socket instead of TCP.
   *
   * @param socketDir the socket directory, or null to disable; {@code <socketDir>/.s.PGSQL.<port>}
   *     must not exceed {@value PostgresSockets#MAX_SOCKET_PATH_BYTES} bytes (checked by {@link
   *     #build()})
   * @return this builder
   */
  public PostgresServerBuilder unixSocketDirectory(Path socketDir) {
    this.socketDir = socketDir == null ? null : socketDir.toAbsolutePath().normalize();
    return this;
  }

  /**
   * Runs initdb and postgres as {@code user} instead of this JVM's user; by default (or if {@code
   * user} is this JVM's user) they run as this JVM's user, which under root means uid 1000 inside a
   * user namespace.
   *
   * <p>For another user this JVM must be root. initdb and postgres then run through {@code setpriv}
   * (util-linux) with that user's uid and primary gid, no supplementary groups and no_new_privs,
   * without a user namespace. At each start the data directory is created (mode 0700) for that
   * user, or, if it belongs to someone else (for example initialized while servers ran as this
   * JVM's user), given to that user with everything in it. Every directory above the data
   * directory, the binaries and the socket directory must be searchable by that user (mode 0711 or
   * wider): the start fails naming the first one that is not, and never changes them.
   *
   * @param user the OS user the server runs as, or null for this JVM's user
   * @return this builder
   */
  public PostgresServerBuilder runAs(OsUser user) {
    this.runAs = user;
    return this;
  }

  /**
   * Builds the (not yet started) server.
   *
   * @return the server
   * @throws IllegalStateException if no data directory was set
   * @throws IllegalArgumentException if the socket path would be too long (see {@link
   *     PostgresSockets#socketFile(Path, int)}; with port 0 a five-digit port is assumed)
   * @throws PostgresException if no installation was set and the default one is not available, or a
   *     run-as user other than this JVM's is set and this JVM is not root
   */
  public PostgresServer build() {
    if (dataDir == null) {
      throw new IllegalStateException("dataDir is required");
    }
    if (socketDir != null) {
      PostgresSockets.socketFile(socketDir, port == 0 ? 65535 : port);
    }
    OsUser otherUser = otherUser(runAs);
    PostgresInstallation inst =
        installation != null ? installation : PostgresInstallations.defaultInstallation();
    Path log = logFile != null ? logFile : dataDir.resolveSibling(dataDir.getFileName() + ".log");
    return new PostgresServer(
        new ServerSpec(
            inst.binDir(),
            dataDir,
            port,
            superuser,
            password,
            settings,
            startupTimeout,
            shutdownTimeout,
            log,
            socketDir,
            otherUser));
  }

  /** {@code user} unless it is this JVM's user; checks that this JVM may switch to it. */
  private static OsUser otherUser(OsUser user) {
    if (user == null) {
      return null;
    }
    OsUser me = OsUser.current();
    if (user.uid() == me.uid()) {
      return null;
    }
    if (!me.isRoot()) {
      throw new PostgresException(
          "Running PostgreSQL as the OS user "
              + user.name()
              + " (uid "
              + user.uid()
              + ") needs root, but this JVM runs as "
              + me.name()
              + " (uid "
              + me.uid()
              + ").");
    }
    return user;
  }

  private static Duration positive(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    return timeout;
  }
}
