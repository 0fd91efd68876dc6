package dev.toygres.engine.store.internal;

import java.time.Duration;
import java.util.UUID;

/**
 * One activity call leased to a worker.
 *
 * @param attemptTimeout the call's per-attempt timeout ({@code ActivityOptions.attemptTimeout}), or
 *     null if it has none
 * @param takenOver whether this fetch took the item over from an expired lease rather than finding
 *     it free
 */
public record ActivityWorkItem(
    long id,
    UUID lockToken,
    String instanceId,
    int executionId,
    int taskId,
    String name,
    String input,
    int dispatchCount,
    Duration attemptTimeout,
    boolean takenOver) {}
