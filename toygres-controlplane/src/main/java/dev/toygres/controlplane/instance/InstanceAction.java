package dev.toygres.controlplane.instance;

import static dev.toygres.controlplane.cms.InstanceState.CREATING;
import static dev.toygres.controlplane.cms.InstanceState.FAILED;
import static dev.toygres.controlplane.cms.InstanceState.RUNNING;
import static dev.toygres.controlplane.cms.InstanceState.STOPPED;

import dev.toygres.controlplane.StateConflictException;
import dev.toygres.controlplane.cms.InstanceRecord;
import dev.toygres.controlplane.cms.InstanceState;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What an operator may do to an instance, each with the one rule that allows it. {@link
 * InstanceService} refuses what its rule does not allow ({@link #refusal}), and the API lists what
 * it does allow ({@link #allowed}, the instance's {@code allowed_actions}), so the two never
 * disagree.
 *
 * <p>Delete has two cases the record alone cannot decide: an instance still {@code creating} whose
 * create orchestration has ended (it will never finish) may be deleted ({@link #allows(
 * InstanceRecord, boolean)}), and a delete of an instance already {@code deleting} is not an error
 * but answers with the running delete ({@link InstanceService#delete}). {@link #allowed} lists
 * neither: it assumes a creating instance's create still runs, which lasts at most one supervisor
 * round after it ended (the lifecycle repair then makes the instance {@code failed}).
 */
public enum InstanceAction {
  STOP("stop", EnumSet.of(RUNNING)),
  START("start", EnumSet.of(STOPPED)),
  RESTART("restart", EnumSet.of(RUNNING, STOPPED)),
  DELETE("delete", EnumSet.of(RUNNING, STOPPED, FAILED)),
  /** Setting the tenant's password: the server runs and the control plane holds its secrets. */
  PASSWORD("password", EnumSet.of(RUNNING));

  private final String label;
  private final Set<InstanceState> states;

  InstanceAction(String label, EnumSet<InstanceState> states) {
    this.label = label;
    this.states = Collections.unmodifiableSet(states);
  }

  /** The action's name in {@code allowed_actions}: {@code stop}, {@code delete}, ... */
  public String label() {
    return label;
  }

  /** The states the action is allowed in. */
  public Set<InstanceState> states() {
    return states;
  }

  /** Whether the instance, as recorded, allows the action. */
  public boolean allows(InstanceRecord r) {
    return states.contains(r.state()) && (this != PASSWORD || secretsSealed(r));
  }

  /**
   * Whether the instance allows the action, knowing whether its create orchestration has ended
   * ({@code createEnded}; only delete uses it: a {@code creating} instance whose create ended may
   * be deleted).
   */
  public boolean allows(InstanceRecord r, boolean createEnded) {
    return allows(r) || (this == DELETE && r.state() == CREATING && createEnded);
  }

  /** Throws {@link #refusal} unless the instance allows the action. */
  public void check(InstanceRecord r) {
    check(r, false);
  }

  /**
   * Throws {@link #refusal} unless the instance allows the action ({@link #allows(InstanceRecord,
   * boolean)}).
   */
  public void check(InstanceRecord r, boolean createEnded) {
    if (!allows(r, createEnded)) {
      throw refusal(r);
    }
  }

  /** Why the instance does not allow the action: its name, its state and what to do instead. */
  public StateConflictException refusal(InstanceRecord r) {
    String name = r.userName();
    InstanceState state = r.state();
    if (states.contains(state) && this == PASSWORD) {
      return new StateConflictException(
          name,
          "waiting for its access upgrade",
          label,
          "instance '" + name + "' is waiting for its access upgrade; try again shortly");
    }
    String is = "instance '" + name + "' is ";
    String message =
        switch (this) {
          case DELETE ->
              state == CREATING
                  ? is
                      + "still being created; delete it once it is running or failed, or once"
                      + " its create orchestration has ended"
                  : is + state.dbName() + "; it cannot be deleted now";
          case PASSWORD -> is + state.dbName() + "; its password can be changed while it runs";
          default -> is + state.dbName() + "; cannot " + label + " it";
        };
    return new StateConflictException(name, state.dbName(), label, message);
  }

  /** The actions the instance allows, in declaration order. */
  public static List<String> allowed(InstanceRecord r) {
    return Arrays.stream(values()).filter(a -> a.allows(r)).map(InstanceAction::label).toList();
  }

  private static boolean secretsSealed(InstanceRecord r) {
    return r.access().superuserPasswordSealed() != null
        && r.access().monitorPasswordSealed() != null;
  }
}
