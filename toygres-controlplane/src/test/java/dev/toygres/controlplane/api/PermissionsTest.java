package dev.toygres.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.controlplane.access.Caller;
import dev.toygres.controlplane.access.Role;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The permission table: every role against reads, writes and the tokens routes. */
class PermissionsTest {

  @ParameterizedTest(name = "{0} {1} {2} -> {3}")
  @CsvSource({
    "viewer,   GET,    /api/instances,                  allowed",
    "viewer,   HEAD,   /api/instances/db1,              allowed",
    "viewer,   GET,    /api/audit,                      allowed",
    "viewer,   GET,    /api/no-such-route,              allowed",
    "viewer,   POST,   /api/instances,                  change",
    "viewer,   DELETE, /api/instances/db1,              change",
    "viewer,   POST,   /api/instances/db1/password,     change",
    "viewer,   POST,   /api/actors/recover,             change",
    "viewer,   POST,   /api/no-such-route,              change",
    "viewer,   OPTIONS, /api/instances,                 change",
    "viewer,   GET,    /api/tokens,                     tokens",
    "viewer,   POST,   /api/tokens,                     tokens",
    "operator, GET,    /api/instances,                  allowed",
    "operator, POST,   /api/instances,                  allowed",
    "operator, DELETE, /api/instances/db1,              allowed",
    "operator, POST,   /api/orchestrations/x/cancel,    allowed",
    "operator, POST,   /api/no-such-route,              allowed",
    "operator, GET,    /api/audit,                      allowed",
    "operator, GET,    /api/tokens,                     tokens",
    "operator, POST,   /api/tokens,                     tokens",
    "operator, DELETE, /api/tokens/ops,                 tokens",
    "operator, GET,    /api/tokens/,                    tokens",
    "operator, GET,    /api//tokens,                    tokens",
    "operator, GET,    /api/%74okens,                   tokens",
    "operator, GET,    /api/TOKENS,                     tokens",
    "operator, GET,    /api/tokens;x=1,                 tokens",
    "operator, GET,    /api/tokensx,                    allowed",
    "admin,    GET,    /api/tokens,                     allowed",
    "admin,    POST,   /api/tokens,                     allowed",
    "admin,    DELETE, /api/tokens/ops,                 allowed",
    "admin,    DELETE, /api/instances/db1,              allowed",
  })
  void eachRoleMayMakeExactlyTheRequestsItsRoleAllows(
      String role, String method, String path, String expected) {
    Caller caller = new Caller("t1", Role.parse(role), false);
    Optional<String> refusal = Permissions.refusal(caller, method, path);
    switch (expected) {
      case "allowed" -> assertThat(refusal).isEmpty();
      case "change" ->
          assertThat(refusal)
              .hasValueSatisfying(
                  m ->
                      assertThat(m)
                          .startsWith("token 't1' (" + role + ") may not change anything (")
                          .contains(method + " " + path));
      case "tokens" ->
          assertThat(refusal)
              .hasValueSatisfying(
                  m ->
                      assertThat(m)
                          .startsWith("token 't1' (" + role + ") may not manage API tokens")
                          .contains("only admin tokens may"));
      default -> throw new AssertionError(expected);
    }
  }
}
