package dev.toygres.controlplane.access;

import java.util.Objects;

/**
 * Who makes a request: the name of the API token it carries (or that logged its console session in)
 * and that token's role. {@code builtin} marks the built-in {@code admin} token.
 */
public record Caller(String name, Role role, boolean builtin) {
  public Caller {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(role, "role");
  }
}
