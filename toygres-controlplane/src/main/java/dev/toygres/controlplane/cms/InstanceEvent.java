package dev.toygres.controlplane.cms;

import java.time.Instant;

/** One row of {@code toygres_cms.instance_events}. */
public record InstanceEvent(
    long id,
    String eventType,
    String oldState,
    String newState,
    String message,
    String metadata,
    Instant createdAt) {}
