package dev.toygres.engine.store.internal;

import dev.toygres.engine.history.HistoryEvent.ParentRef;
import java.util.Objects;

/**
 * An instance to create: by a client start, a sub-orchestration or a detached start.
 *
 * @param version the version, or null to resolve to the latest when it first runs
 * @param parent the parent to report completion to (sub-orchestrations only)
 * @param startedBy the instance, execution and task to tell whether the start succeeded (null for
 *     client starts, which learn it from the exception)
 */
public record NewInstance(
    String instanceId,
    String name,
    String version,
    String input,
    ParentRef parent,
    ParentRef startedBy) {
  public NewInstance {
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(name, "name");
    if (instanceId.isBlank()) {
      throw new IllegalArgumentException("instance id must not be blank");
    }
  }
}
