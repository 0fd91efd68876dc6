package dev.toygres.controlplane.cms;

import java.time.Instant;

/**
 * One row of {@code toygres_cms.instance_health_checks}.
 *
 * @param details the probe's details, as JSON text
 * @param members what the check saw of every server of an instance with standbys, as a JSON array
 *     of {@link MemberCheck}s (snake_case keys), or null
 */
public record HealthCheck(
    long id,
    HealthStatus status,
    String postgresVersion,
    Double responseTimeMs,
    String errorMessage,
    String details,
    String actorId,
    Instant checkedAt,
    String members) {}
