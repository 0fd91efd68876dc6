package dev.toygres.controlplane.actor;

import dev.toygres.controlplane.InvalidRequestException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the doctor says of an instance's actor (docs/actor.md), plus {@code orphaned} for actors.
 */
public enum Diagnosis {
  HEALTHY,
  STALE,
  ZOMBIE,
  MISSING,
  DEAD,
  CANCELLED,
  /**
   * An actor, not an instance: running, but its instance is gone or it is not the recorded actor.
   */
  ORPHANED;

  /** What the supervisor repairs unless auto-repair is off; cancelled is never repaired. */
  public static final Set<Diagnosis> REPAIRABLE =
      EnumSet.of(STALE, ZOMBIE, MISSING, DEAD, ORPHANED);

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether a recovery, when asked for it, acts on this diagnosis (every one but healthy). */
  public boolean recoverable() {
    return this != HEALTHY;
  }

  /**
   * Parses a comma-separated list such as {@code stale,missing}; an {@link InvalidRequestException}
   * names bad values.
   */
  public static Set<Diagnosis> parseList(String text) {
    EnumSet<Diagnosis> out = EnumSet.noneOf(Diagnosis.class);
    if (text == null || text.isBlank()) {
      return out;
    }
    for (String part : text.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      try {
        out.add(valueOf(p.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new InvalidRequestException(
            "diagnosis",
            "unknown diagnosis '"
                + p
                + "'; expected one of "
                + EnumSet.allOf(Diagnosis.class).stream()
                    .map(Diagnosis::label)
                    .collect(Collectors.joining(", ")));
      }
    }
    return out;
  }
}
