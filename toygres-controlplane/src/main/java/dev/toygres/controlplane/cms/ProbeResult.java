package dev.toygres.controlplane.cms;

import java.util.Map;

/**
 * What one health probe found. {@code status} is healthy or unhealthy for a probed server and
 * unknown when no probe was made (a stopped instance). {@code responseTimeMs} is measured inside
 * the probe, around the connection and queries.
 */
public record ProbeResult(
    HealthStatus status,
    String postgresVersion,
    Double responseTimeMs,
    String errorMessage,
    Map<String, Object> details) {

  /** A probe that could not even be attempted, for a reason that counts as a failure. */
  public static ProbeResult failed(String why) {
    return new ProbeResult(HealthStatus.UNHEALTHY, null, null, why, Map.of());
  }

  public static ProbeResult notProbed(String why) {
    return new ProbeResult(HealthStatus.UNKNOWN, null, null, null, Map.of("skipped", why));
  }
}
