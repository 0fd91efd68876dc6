package dev.toygres.controlplane.actor;

import dev.toygres.controlplane.cms.InstanceRecord;
import dev.toygres.controlplane.cms.InstanceState;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The one rule that decides whether an actor may go on watching its instance: the instance exists,
 * is in a state actors watch, still records this actor, and has monitoring on. {@link ActorCheck}
 * applies it to the row it read, and its health write is conditional on the same columns (with
 * {@link #WATCHED}), so a row changed in between writes nothing and is judged here again.
 */
final class ActorFence {
  /** The states an actor watches (and records health in); every other state ends it. */
  static final Set<InstanceState> WATCHED =
      Collections.unmodifiableSet(EnumSet.of(InstanceState.RUNNING, InstanceState.STOPPED));

  private ActorFence() {}

  /**
   * Why actor {@code actorId} must stop watching instance {@code instanceId}, whose row is {@code
   * r} (null when there is none), or empty when it may go on.
   */
  static Optional<String> reason(UUID instanceId, InstanceRecord r, String actorId) {
    if (r == null) {
      return Optional.of("instance " + instanceId + " no longer exists");
    }
    if (!WATCHED.contains(r.state())) {
      return Optional.of("instance is " + r.state().dbName());
    }
    if (!actorId.equals(r.actorId())) {
      return Optional.of("superseded: the instance's actor is now " + r.actorId());
    }
    if (!r.monitoringEnabled()) {
      return Optional.of("monitoring was turned off");
    }
    return Optional.empty();
  }
}
