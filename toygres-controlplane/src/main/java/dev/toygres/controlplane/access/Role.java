package dev.toygres.controlplane.access;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What an API token may do. {@link #ADMIN}: everything, including managing tokens; {@link
 * #OPERATOR}: everything but tokens (instances, actors, orchestrations); {@link #VIEWER}: reads
 * only, tokens excepted. The HTTP API decides per request in one place.
 */
public enum Role {
  ADMIN,
  OPERATOR,
  VIEWER;

  /** The role's name as stored and sent: {@code admin}, {@code operator}, {@code viewer}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether this role may create, list and revoke API tokens. */
  public boolean managesTokens() {
    return this == ADMIN;
  }

  /** Whether this role may change anything (beyond logging in and out of the console). */
  public boolean writes() {
    return this != VIEWER;
  }

  /** The role with this label, if there is one. */
  public static Optional<Role> find(String label) {
    return Arrays.stream(values()).filter(r -> r.label().equals(label)).findFirst();
  }

  /**
   * The role of a stored label; {@link IllegalArgumentException} naming the allowed ones otherwise
   * (requests use {@link #find}, and name the field they read it from).
   */
  public static Role parse(String label) {
    return find(label)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown role '" + label + "': use one of " + allowed()));
  }

  /** {@code admin, operator, viewer}. */
  public static String allowed() {
    return Arrays.stream(values()).map(Role::label).collect(Collectors.joining(", "));
  }
}
