package dev.toygres.controlplane.cms;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What one health check saw of one server of an instance with standbys (kept in the check's {@code
 * members} column, docs/actor.md#watching-the-members).
 *
 * @param ordinal 0 for the primary, {@code n} for standby {@code n}
 * @param role {@code primary} or {@code standby}
 * @param port its TCP port
 * @param pid its postmaster's pid, or null when it was not running
 * @param health as the data plane reports it: {@code healthy}, {@code not streaming}, {@code
 *     unreachable}, {@code stopped}, ...
 * @param lagBytes how far a standby's replay was behind the primary (null for the primary, or
 *     unknown)
 * @param lagSeconds the primary's {@code replay_lag} for the standby (null when unknown)
 * @param timeline the server's timeline (null when unknown)
 */
public record MemberCheck(
    int ordinal,
    String role,
    int port,
    Long pid,
    String health,
    Long lagBytes,
    Double lagSeconds,
    Integer timeline) {
  public MemberCheck {
    if (ordinal < 0) {
      throw new IllegalArgumentException("ordinal must not be negative, was " + ordinal);
    }
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(health, "health");
  }

  /** As stored and shown: snake_case keys, nulls kept. */
  Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ordinal", ordinal);
    m.put("role", role);
    m.put("port", port);
    m.put("pid", pid);
    m.put("health", health);
    m.put("lag_bytes", lagBytes);
    m.put("lag_seconds", lagSeconds);
    m.put("timeline", timeline);
    return m;
  }
}
