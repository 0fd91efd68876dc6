package dev.toygres.controlplane.cms;

import java.util.List;
import java.util.Map;

/**
 * What one health probe found. {@code status} is healthy or unhealthy for a probed server and
 * unknown when no probe was made (a stopped instance). {@code responseTimeMs} is measured inside
 * the probe, around the connection and queries. {@code members} is what the check saw of every
 * server of an instance with standbys, primary first, or null (no standbys, or not looked at).
 * {@code archive} is what the primary said of its WAL archiving, or null when it was not read (no
 * probe, or a failed one): the instance's recorded archive state is then left as it was.
 */
public record ProbeResult(
    HealthStatus status,
    String postgresVersion,
    Double responseTimeMs,
    String errorMessage,
    Map<String, Object> details,
    List<MemberCheck> members,
    WalArchive archive) {

  public ProbeResult {
    members = members == null ? null : List.copyOf(members);
  }

  /** A probe of the primary alone (no members). */
  public ProbeResult(
      HealthStatus status,
      String postgresVersion,
      Double responseTimeMs,
      String errorMessage,
      Map<String, Object> details) {
    this(status, postgresVersion, responseTimeMs, errorMessage, details, null, null);
  }

  /** A probe of the primary that also read its WAL archiving. */
  public ProbeResult(
      HealthStatus status,
      String postgresVersion,
      Double responseTimeMs,
      String errorMessage,
      Map<String, Object> details,
      WalArchive archive) {
    this(status, postgresVersion, responseTimeMs, errorMessage, details, null, archive);
  }

  /** This probe with what was seen of the instance's servers. */
  public ProbeResult withMembers(List<MemberCheck> seen) {
    return new ProbeResult(
        status, postgresVersion, responseTimeMs, errorMessage, details, seen, archive);
  }

  /** A probe that could not even be attempted, for a reason that counts as a failure. */
  public static ProbeResult failed(String why) {
    return new ProbeResult(HealthStatus.UNHEALTHY, null, null, why, Map.of());
  }

  public static ProbeResult notProbed(String why) {
    return new ProbeResult(HealthStatus.UNKNOWN, null, null, null, Map.of("skipped", why));
  }
}
