package dev.toygres.controlplane;

import java.util.Objects;

/**
 * The named thing does not exist (or no longer does): an instance, a token, an orchestration's
 * execution. {@code kind} says what was looked for and {@code name} by which name or id.
 */
public class NotFoundException extends ToygresException {
  private static final long serialVersionUID = 1L;
  private final String kind;
  private final String name;

  public NotFoundException(String kind, String name, String message) {
    super(message);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.name = name;
  }

  /** {@code no <kind> named '<name>'}. */
  public static NotFoundException named(String kind, String name) {
    return new NotFoundException(kind, name, "no " + kind + " named '" + name + "'");
  }

  /** What was looked for: {@code instance}, {@code token}, {@code orchestration}, ... */
  public String kind() {
    return kind;
  }

  /** The name or id it was looked for by. */
  public String name() {
    return name;
  }
}
