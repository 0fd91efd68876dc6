package dev.toygres.engine.client;

import dev.toygres.engine.FailureDetails;
import dev.toygres.engine.OrchestrationStatus;
import java.time.Instant;

/** One execution of an instance: the first one, and one more per continue-as-new. */
public record ExecutionInfo(
    String instanceId,
    int executionId,
    String name,
    String version,
    OrchestrationStatus status,
    String input,
    String output,
    FailureDetails failure,
    Instant startedAt,
    Instant completedAt,
    int eventCount) {}
