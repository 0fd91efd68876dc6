package dev.toygres.controlplane.access;

import dev.toygres.controlplane.ConflictException;
import dev.toygres.controlplane.InvalidRequestException;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Names of API tokens: 1 to 63 of {@code [a-z0-9._-]}, starting with a letter or digit. {@code
 * admin} is the built-in token's; {@code supervisor} and {@code anonymous} name the other authors
 * of audit rows, so they are reserved too.
 */
public final class TokenNames {
  public static final String BUILTIN_ADMIN = "admin";
  public static final String SUPERVISOR = "supervisor";
  public static final String ANONYMOUS = "anonymous";
  static final Set<String> RESERVED = Set.of(BUILTIN_ADMIN, SUPERVISOR, ANONYMOUS);
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

  private TokenNames() {}

  /** Whether {@code name} has the shape of a token name (reserved names included). */
  public static boolean isWellFormed(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /**
   * {@code name} if a new token may take it: {@link InvalidRequestException} when it is malformed,
   * {@link ConflictException} when it is reserved.
   */
  public static String checkNew(String name) {
    if (!isWellFormed(name)) {
      throw new InvalidRequestException(
          "name",
          "invalid token name: use 1 to 63 characters of a-z, 0-9, '.', '_' and '-',"
              + " starting with a letter or digit");
    }
    if (RESERVED.contains(name)) {
      throw new ConflictException(
          "the token name '"
              + name
              + "' is reserved"
              + (name.equals(BUILTIN_ADMIN)
                  ? " for the built-in admin token (TOYGRES_ADMIN_TOKEN or <data-dir>/admin-token)"
                  : " for the audit log"));
    }
    return name;
  }
}
