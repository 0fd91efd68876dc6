package dev.toygres.controlplane.actor;

/**
 * Operations on an instance's actor (docs/actor.md). Every start uses a fresh actor id; there is
 * never more than one running actor for an instance. An unknown instance is a {@link
 * dev.toygres.controlplane.NotFoundException}; an operation that does not fit ({@link
 * ActorAction}'s rules: start while one runs, cancel while none runs) a {@link
 * dev.toygres.controlplane.StateConflictException}.
 */
public interface ActorOperations {

  /** The outcome of an actor operation; {@code previousActorId} only for restart. */
  record ActorResult(String instanceName, String actorId, String previousActorId, String status) {}

  /** Starts a new actor if none runs ({@link ActorAction#START}). */
  ActorResult start(String name);

  /** Starts a new actor and cancels the recorded one if it runs ({@link ActorAction#RESTART}). */
  ActorResult restart(String name);

  /** Cancels the running actor and turns monitoring off ({@link ActorAction#CANCEL}). */
  ActorResult cancel(String name);
}
