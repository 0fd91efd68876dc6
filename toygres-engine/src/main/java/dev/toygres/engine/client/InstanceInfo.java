package dev.toygres.engine.client;

import dev.toygres.engine.FailureDetails;
import dev.toygres.engine.OrchestrationStatus;
import java.time.Instant;

/**
 * What the engine knows of one orchestration instance.
 *
 * @param executionId the current (or last) execution, 1 for the first
 * @param customStatus the JSON text last set with {@code setCustomStatus}, or null
 * @param output the JSON text of the result, once completed
 * @param failure why it failed, once failed; for a cancelled instance, the reason
 * @param lastProgressAt when the instance last changed (a step committed or it was created)
 */
public record InstanceInfo(
    String instanceId,
    String name,
    String version,
    OrchestrationStatus status,
    int executionId,
    Instant createdAt,
    Instant lastProgressAt,
    Instant completedAt,
    String customStatus,
    String output,
    FailureDetails failure,
    String parentInstanceId) {}
