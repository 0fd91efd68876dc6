package dev.toygres.controlplane.dataplane;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One server of an instance, as the data plane sees it now.
 *
 * @param role {@code primary} or {@code standby}
 * @param name the server's name ({@code <k8sName>} for the primary, {@code <k8sName>-s<n>} for
 *     standby {@code n})
 * @param ordinal the server's ordinal: 0 for the instance's first server (the primary until a
 *     failover), {@code n} for standby {@code n}; after a failover the primary may have any ordinal
 *     and server 0 may be a standby
 * @param host where it listens
 * @param port its TCP port
 * @param pid its postmaster's pid, or null when it is not running
 * @param dataDir its data directory
 * @param slot the standby's replication slot on the primary (null for the primary)
 * @param health {@code healthy} (answers; a standby also streams), {@code not streaming} (a standby
 *     that answers but is not connected to the primary), {@code unreachable} (runs but does not
 *     answer the monitoring role), {@code stopped}, or {@code fenced} (stopped for good by a
 *     failover or switchover until it is rebuilt or unfenced; role {@code primary} only between the
 *     fence and the promotion)
 * @param lagBytes how far the standby's replay is behind the primary's current WAL position, as the
 *     primary reports it (null for the primary, or when unknown)
 * @param lagSeconds the primary's {@code replay_lag} for the standby (null when unknown, or when
 *     there was nothing to replay lately)
 * @param timeline the server's timeline (null when unknown)
 */
public record Member(
    String role,
    String name,
    int ordinal,
    String host,
    int port,
    Long pid,
    Path dataDir,
    String slot,
    String health,
    Long lagBytes,
    Double lagSeconds,
    Integer timeline) {
  public static final String PRIMARY = "primary";
  public static final String STANDBY = "standby";

  public Member {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(health, "health");
  }
}
