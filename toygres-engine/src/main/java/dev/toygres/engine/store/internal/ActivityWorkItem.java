package dev.toygres.engine.store.internal;

import java.util.UUID;

/** One activity call leased to a worker. */
public record ActivityWorkItem(
    long id,
    UUID lockToken,
    String instanceId,
    int executionId,
    int taskId,
    String name,
    String input,
    int dispatchCount) {}
