package dev.toygres.controlplane.server;

import dev.toygres.controlplane.cms.HealthStatus;
import dev.toygres.controlplane.cms.InstanceState;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the per-instance metrics show of one live instance.
 *
 * @param name the instance's user-facing name
 * @param healthReason the actor's health reason (docs/actor.md#crash-restart), or null
 * @param checkedAt when the newest health check was recorded, or null when none was
 * @param status the newest check's status, or null when none was recorded
 * @param responseTimeMs the newest check's response time, or null (none, or no probe made)
 * @param standbys what the newest check saw of each standby (empty without replicas)
 */
record InstanceSample(
    String name,
    InstanceState state,
    String healthReason,
    Instant checkedAt,
    HealthStatus status,
    Double responseTimeMs,
    List<StandbyLag> standbys) {
  /**
   * The words that start the health reason of an instance in a crash loop ({@code RestartPolicy}).
   */
  static final String CRASH_LOOP = "crash loop";

  InstanceSample {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(state, "state");
    standbys = List.copyOf(standbys);
  }

  /**
   * 1 when the instance is running and its newest check was healthy, 0 when it is running
   * otherwise, NaN when it is not meant to run (stopped, creating, deleting, failed).
   */
  double up() {
    if (state != InstanceState.RUNNING) {
      return Double.NaN;
    }
    return status == HealthStatus.HEALTHY ? 1 : 0;
  }

  /** Whether the actor reports a crash loop. */
  boolean crashLooping() {
    return healthReason != null && healthReason.startsWith(CRASH_LOOP);
  }

  /**
   * How far one standby was behind at the newest check.
   *
   * @param member the standby's name, as {@code GET /api/instances/{name}} shows it
   * @param lagBytes null when unknown
   * @param lagSeconds null when unknown
   */
  record StandbyLag(String member, Double lagBytes, Double lagSeconds) {
    StandbyLag {
      Objects.requireNonNull(member, "member");
    }
  }
}
