package dev.toygres.controlplane.api;

import dev.toygres.controlplane.access.Caller;
import dev.toygres.controlplane.access.Role;
import java.util.Optional;

/**
 * What each role may request, decided from the method and path alone (before any route, so unknown
 * routes are treated like known ones): {@code admin} anything; {@code operator} anything but {@code
 * /api/tokens}; {@code viewer} only GET and HEAD, and not {@code /api/tokens}.
 */
final class Permissions {
  static final String TOKENS = "/api/tokens";
  private static final int MAX_SHOWN_PATH = 120;

  private Permissions() {}

  /** Why {@code caller} may not make this request, or empty when it may. */
  static Optional<String> refusal(Caller caller, String method, String path) {
    Role role = caller.role();
    String request = method + " " + shown(path);
    if (ApiPaths.isUnder(path, TOKENS) && !role.managesTokens()) {
      return Optional.of(
          prefix(caller) + " may not manage API tokens (" + request + "): only admin tokens may");
    }
    if (!ApiPaths.isRead(method) && !role.writes()) {
      return Optional.of(
          prefix(caller) + " may not change anything (" + request + "): viewer tokens only read");
    }
    return Optional.empty();
  }

  private static String prefix(Caller c) {
    return "token '" + c.name() + "' (" + c.role().label() + ")";
  }

  private static String shown(String path) {
    return path.length() <= MAX_SHOWN_PATH ? path : path.substring(0, MAX_SHOWN_PATH) + "...";
  }
}
