package dev.toygres.controlplane.cms;

import java.time.Instant;

/** One row of {@code toygres_cms.instance_health_checks}. */
public record HealthCheck(
    long id,
    HealthStatus status,
    String postgresVersion,
    Double responseTimeMs,
    String errorMessage,
    String details,
    String actorId,
    Instant checkedAt) {}
