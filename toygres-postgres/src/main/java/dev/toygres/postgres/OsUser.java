package dev.toygres.postgres;

import dev.toygres.postgres.internal.OsUsers;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An operating-system user: the account that a {@link PostgresServer} runs as (see {@link
 * PostgresServerBuilder#runAs(OsUser)}).
 *
 * @param name the login name (or the uid as text for a uid without a passwd entry)
 * @param uid the numeric user id
 * @param gid the numeric id of the user's primary group
 */
public record OsUser(String name, int uid, int gid) {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}\\$?");

  /**
   * Validates the user.
   *
   * @throws IllegalArgumentException if the name is not a sane OS user name (1 to 32 characters
   *     from letters, digits, '_', '.', '-', not starting with '.' or '-', optionally ending in
   *     '$') or an id is negative
   */
  public OsUser {
    checkName(name);
    if (uid < 0 || gid < 0) {
      throw new IllegalArgumentException("negative uid or gid for OS user " + name);
    }
  }

  /**
   * Returns the user this JVM runs as: its effective uid and gid (from {@code /proc/self/status}),
   * named as in the user database, or by the uid as text if the uid has no passwd entry.
   *
   * @return the current user
   * @throws PostgresException if {@code /proc/self/status} cannot be read
   */
  public static OsUser current() {
    return OsUsers.current();
  }

  /**
   * Looks a user up by name in the user database ({@code getent passwd NAME}, or {@code
   * /etc/passwd} where getent is missing).
   *
   * @param name the login name
   * @return the user, or empty if there is no such user
   * @throws IllegalArgumentException if the name is not a sane OS user name
   * @throws PostgresException if the user database cannot be read
   */
  public static Optional<OsUser> find(String name) {
    return OsUsers.find(checkName(name));
  }

  /**
   * Returns the user named {@code name}, first creating it as a system user if it does not exist:
   * {@code useradd --system --user-group --no-create-home --home-dir /nonexistent --shell
   * /usr/sbin/nologin NAME}. Safe when several threads or JVMs ensure the same user at once.
   *
   * @param name the login name
   * @return the existing or new user
   * @throws IllegalArgumentException if the name is not a sane OS user name
   * @throws PostgresException if the user is missing and this JVM is not root, useradd is not
   *     installed, or useradd fails (the message includes its output)
   */
  public static OsUser ensureSystemUser(String name) {
    return OsUsers.ensureSystemUser(checkName(name));
  }

  /**
   * Tells whether this is the superuser.
   *
   * @return true if the uid is 0
   */
  public boolean isRoot() {
    return uid == 0;
  }

  private static String checkName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("invalid OS user name: " + name);
    }
    return name;
  }
}
