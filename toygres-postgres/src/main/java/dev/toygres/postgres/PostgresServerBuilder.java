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
   * link) owned by this JVM's user with mode 0700; owner and mode are fixed where this JVM may (as
   * root, or as its owner). The socket itself gets mode 0700 ({@code unix_socket_permissions}), and
   * {@link PostgresServer#start()} then checks readiness through the socket instead of TCP.
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
   * Builds the (not yet started) server.
   *
   * @return the server
   * @throws IllegalStateException if no data directory was set
   * @throws IllegalArgumentException if the socket path would be too long (see {@link
   *     PostgresSockets#socketFile(Path, int)}; with port 0 a five-digit port is assumed)
   * @throws PostgresException if no installation was set and the default one is not available
   */
  public PostgresServer build() {
    if (dataDir == null) {
      throw new IllegalStateException("dataDir is required");
    }
    if (socketDir != null) {
      PostgresSockets.socketFile(socketDir, port == 0 ? 65535 : port);
    }
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
            socketDir));
  }

  private static Duration positive(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    return timeout;
  }
}
