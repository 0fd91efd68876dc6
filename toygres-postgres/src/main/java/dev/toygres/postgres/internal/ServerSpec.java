package dev.toygres.postgres.internal;

import dev.toygres.postgres.OsUser;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything needed to initialize and run one server; built and validated by the public builder.
 *
 * @param binDir directory with initdb and postgres
 * @param dataDir absolute data directory
 * @param port TCP port, 0 to pick a free loopback port
 * @param superuser name of the bootstrap superuser
 * @param password superuser password, or null for trust authentication
 * @param settings extra server settings passed as {@code -c key=value}
 * @param startupTimeout how long to wait until the server accepts queries
 * @param shutdownTimeout how long to wait after a fast shutdown before escalating
 * @param logFile file that the server's stdout/stderr are appended to
 * @param socketDir Unix socket directory, or null to disable Unix sockets
 * @param runAs the OS user (other than this JVM's) that initdb and postgres run as, or null to run
 *     them as this JVM's user (wrapped by {@link RootWrapper} under root)
 */
public record ServerSpec(
    Path binDir,
    Path dataDir,
    int port,
    String superuser,
    String password,
    Map<String, String> settings,
    Duration startupTimeout,
    Duration shutdownTimeout,
    Path logFile,
    Path socketDir,
    OsUser runAs) {

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern SETTING = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");
  private static final Set<String> RESERVED =
      Set.of(
          "listen_addresses",
          "port",
          "unix_socket_directories",
          "unix_socket_permissions",
          "data_directory");

  /** Checks for nulls and copies the settings. */
  public ServerSpec {
    Objects.requireNonNull(binDir, "binDir");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(superuser, "superuser");
    settings = Map.copyOf(settings);
    Objects.requireNonNull(startupTimeout, "startupTimeout");
    Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
    Objects.requireNonNull(logFile, "logFile");
  }

  /** The OS user that the server's files and socket directory belong to. */
  public OsUser owner() {
    return runAs != null ? runAs : OsUsers.current();
  }

  /** Returns {@code name} if it is a plain identifier not starting with "pg_", else throws. */
  public static String checkSuperuser(String name) {
    if (!NAME.matcher(name).matches() || name.startsWith("pg_")) {
      throw new IllegalArgumentException("invalid superuser name: " + name);
    }
    return name;
  }

  /** Returns {@code password} if it is non-empty and on one line, else throws. */
  public static String checkPassword(String password) {
    if (password.isEmpty() || password.contains("\n") || password.contains("\r")) {
      throw new IllegalArgumentException("password must be non-empty and on one line");
    }
    return password;
  }

  /**
   * Throws unless {@code key} is a valid setting name not managed by the server and {@code value}
   * has no NUL.
   */
  public static void checkSetting(String key, String value) {
    if (!SETTING.matcher(key).matches() || RESERVED.contains(key)) {
      throw new IllegalArgumentException("setting not allowed: " + key);
    }
    if (value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("setting value contains NUL: " + key);
    }
  }

  @Override
  public String toString() {
    return "ServerSpec[binDir="
        + binDir
        + ", dataDir="
        + dataDir
        + ", port="
        + port
        + ", superuser="
        + superuser
        + ", password="
        + (password == null ? "none" : "***")
        + ", runAs="
        + (runAs == null ? "this JVM's user" : runAs.name())
        + "]";
  }
}
