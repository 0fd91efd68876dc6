package dev.toygres.controlplane.actor;

import java.util.Objects;

/**
 * Who asked for a recovery: the supervisor, or a person through an API token. {@code name} is what
 * the audit log records ({@code supervisor}, or the token's name); {@code phrase} is how instance
 * events say it ("repaired by the supervisor", "repaired by token 'ops'").
 */
public record Initiator(String name, String phrase) {
  /** The actor supervisor's automatic repairs. */
  public static final Initiator SUPERVISOR = new Initiator("supervisor", "the supervisor");

  public Initiator {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(phrase, "phrase");
  }

  /** A recovery asked for with the API token named {@code tokenName}. */
  public static Initiator token(String tokenName) {
    return new Initiator(tokenName, "token '" + tokenName + "'");
  }
}
