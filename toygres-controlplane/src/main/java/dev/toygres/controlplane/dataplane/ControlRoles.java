package dev.toygres.controlplane.dataplane;

import dev.toygres.controlplane.InvalidRequestException;
import java.security.SecureRandom;
import java.util.Set;
import java.util.regex.Pattern;
import org.postgresql.util.PasswordUtil;

/**
 * The roles of a managed instance. The tenant gets a role of its own (the user given at create): it
 * logs in over TCP, owns the {@code postgres} database, creates databases, roles (PostgreSQL 16 and
 * newer) and trusted extensions, but is not a superuser and holds none of the predefined roles that
 * reach the server's files or programs. The control plane keeps a superuser and a monitoring role
 * (member of {@code pg_monitor}) for itself; both log in only through the instance's Unix socket,
 * in a directory no other user can enter, into the control plane's own database.
 */
public final class ControlRoles {
  /** The control plane's superuser (the bootstrap superuser of instances created since). */
  public static final String SUPERUSER = "toygres_admin";

  /** The monitoring role health probes log in as. */
  public static final String MONITOR = "toygres_monitor";

  /**
   * The SCRAM iteration count of the monitoring role's secret ({@link #monitorScramSecret}).
   * PostgreSQL's default, 4096, stretches a password a person chose, so that each guess against a
   * stolen secret costs as much; the monitoring role's password is 32 random bytes ({@link
   * ControlSecrets#randomPassword}), which no number of guesses finds, so stretching adds nothing
   * to it. It did cost: the client computes the 4096 iterations at every login, and the probes log
   * in about a hundred times a second at 20,000 instances (fresh connections, kept connections
   * renewed), which took about 70% of the control plane's JVM CPU (docs/benchmarks.md).
   */
  public static final int MONITOR_SCRAM_ITERATIONS = 16;

  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * The replication role standbys stream from their primary as (through the primary's Unix socket
   * only); its password is {@link ControlSecrets#replicatorPassword()}.
   */
  public static final String REPLICATOR = "toygres_replicator";

  /** The database the control plane's roles connect to; the tenant cannot drop or alter it. */
  public static final String DATABASE = "toygres";

  /** The tenant role's name when the user gives none. */
  public static final String DEFAULT_TENANT = "postgres";

  /** The first major version whose CREATEROLE cannot grant the predefined roles to itself. */
  static final int SAFE_CREATEROLE_VERSION = 16;

  private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final Set<String> RESERVED =
      Set.of("public", "none", "current_user", "session_user", "current_role", "all");

  private ControlRoles() {}

  /**
   * The SCRAM-SHA-256 secret the monitoring role's {@code password} is stored as: {@link
   * #MONITOR_SCRAM_ITERATIONS} iterations, a fresh random 16-byte salt (PostgreSQL's length).
   */
  public static String monitorScramSecret(String password) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    return PasswordUtil.encodeScramSha256(password.toCharArray(), MONITOR_SCRAM_ITERATIONS, salt);
  }

  /**
   * Checks a tenant role name.
   *
   * @return the name, or {@link #DEFAULT_TENANT} when null or blank
   * @throws InvalidRequestException naming the rule that is broken
   */
  public static String tenantUser(String name) {
    if (name == null || name.isBlank()) {
      return DEFAULT_TENANT;
    }
    if (!NAME.matcher(name).matches()) {
      throw new InvalidRequestException(
          "user",
          "user '"
              + (name.length() > 70 ? name.substring(0, 70) + "..." : name)
                  .replaceAll("\\p{Cntrl}", "?")
              + "' is not valid: use 1 to 63 lower-case letters, digits and '_', not starting"
              + " with a digit");
    }
    if (name.startsWith("pg_") || name.startsWith("toygres") || RESERVED.contains(name)) {
      throw new InvalidRequestException(
          "user",
          "user '"
              + name
              + "' is reserved (names starting with pg_ or toygres, and "
              + String.join(", ", RESERVED.stream().sorted().toList())
              + ")");
    }
    return name;
  }
}
