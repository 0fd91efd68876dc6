package dev.toygres.controlplane.actor;

import dev.toygres.controlplane.StateConflictException;
import dev.toygres.controlplane.actor.DoctorReport.Finding;
import dev.toygres.controlplane.cms.InstanceRecord;
import dev.toygres.controlplane.cms.InstanceState;
import java.util.Arrays;
import java.util.List;

/**
 * What an operator may do to an instance's actor, each with the one rule that allows it: {@link
 * ActorService} refuses what the rule does not allow ({@link #refusal}), and the API lists what it
 * allows ({@link #allowed}, part of the instance's {@code allowed_actions}). The rules read the
 * instance's state, whether its recorded actor runs in the engine, and (recover only) the doctor's
 * diagnosis.
 */
public enum ActorAction {
  /** A new actor, when none runs. */
  START("actor.start"),
  /** A new actor replacing the recorded one, running or not. */
  RESTART("actor.restart"),
  /** Cancel the running actor and turn monitoring off. */
  CANCEL("actor.cancel"),
  /** {@code POST /api/actors/recover} would repair the instance's actor (it is not healthy). */
  RECOVER("actor.recover");

  private final String label;

  ActorAction(String label) {
    this.label = label;
  }

  /** The action's name in {@code allowed_actions}. */
  public String label() {
    return label;
  }

  /**
   * Whether the action fits an instance in {@code state} whose recorded actor runs ({@code
   * actorRunning}) and has the doctor's {@code diagnosis} (null when not known).
   */
  public boolean allows(InstanceState state, boolean actorRunning, Diagnosis diagnosis) {
    boolean watched = ActorFence.WATCHED.contains(state);
    return switch (this) {
      case START -> watched && !actorRunning;
      case RESTART -> watched;
      case CANCEL -> actorRunning;
      case RECOVER -> watched && diagnosis != null && diagnosis.recoverable();
    };
  }

  /** Throws {@link #refusal} unless the action fits. */
  void check(InstanceRecord r, boolean actorRunning) {
    if (!allows(r.state(), actorRunning, null)) {
      throw refusal(r, actorRunning);
    }
  }

  /**
   * Why the action does not fit: the instance, its state (or its actor's) and what to do instead.
   */
  StateConflictException refusal(InstanceRecord r, boolean actorRunning) {
    String name = r.userName();
    if (this != CANCEL && !ActorFence.WATCHED.contains(r.state())) {
      return new StateConflictException(
          name,
          r.state().dbName(),
          label,
          "instance '"
              + name
              + "' is "
              + r.state().dbName()
              + "; actors watch running or stopped instances only");
    }
    if (this == CANCEL) {
      return new StateConflictException(
          name,
          "no running actor",
          label,
          "instance '" + name + "' has no running actor to cancel");
    }
    if (this == START && actorRunning) {
      return new StateConflictException(
          name,
          "actor running",
          label,
          "instance '"
              + name
              + "' already has a running actor ("
              + r.actorId()
              + "); use actor restart to replace it");
    }
    return new StateConflictException(
        name,
        r.state().dbName(),
        label,
        "instance '" + name + "': its actor needs no " + label.substring("actor.".length()));
  }

  /** The actions that fit an instance and its actor as the doctor found them, in order. */
  public static List<String> allowed(InstanceRecord r, Finding actor) {
    boolean running = "running".equals(actor.actorStatus());
    return Arrays.stream(values())
        .filter(a -> a.allows(r.state(), running, actor.diagnosis()))
        .map(ActorAction::label)
        .toList();
  }
}
