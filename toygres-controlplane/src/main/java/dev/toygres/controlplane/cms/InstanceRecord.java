package dev.toygres.controlplane.cms;

import java.time.Instant;
import java.util.UUID;

/** One row of {@code toygres_cms.instances}. The password stays encrypted here. */
public record InstanceRecord(
    UUID id,
    String userName,
    String k8sName,
    String namespace,
    String postgresVersion,
    int storageSizeGb,
    InstanceState state,
    HealthStatus healthStatus,
    Instant lastHealthCheck,
    int consecutiveFailures,
    boolean monitoringEnabled,
    String createOrchestrationId,
    String deleteOrchestrationId,
    String actorId,
    String dataPlane,
    String host,
    Integer port,
    String adminUser,
    String passwordEncrypted,
    String dataDir,
    Long pid,
    Instant createdAt,
    Instant updatedAt,
    Instant startedAt,
    Instant stoppedAt,
    Instant deletedAt,
    String tags) {}
