package dev.toygres.controlplane.api;

import dev.toygres.controlplane.access.Caller;
import dev.toygres.controlplane.actor.ActorAction;
import dev.toygres.controlplane.actor.DoctorReport.Finding;
import dev.toygres.controlplane.cms.InstanceRecord;
import dev.toygres.controlplane.cms.InstanceState;
import dev.toygres.controlplane.instance.InstanceAction;
import java.util.ArrayList;
import java.util.List;

/**
 * An instance's {@code allowed_actions}: what its state allows ({@link InstanceAction}'s and {@link
 * ActorAction}'s rules, the ones the services enforce; {@code scale} while it runs, {@code
 * switchover} while it runs with at least one standby) and the caller's role may request ({@link
 * Permissions}, asked about the route that carries each action out). A viewer's list is empty.
 */
final class AllowedActions {
  private static final String RECOVER_ROUTE = "/api/actors/recover";
  static final String SCALE = "scale";
  static final String SWITCHOVER = "switchover";

  private AllowedActions() {}

  static List<String> of(Caller caller, InstanceRecord r, Finding actor) {
    List<String> out = new ArrayList<>(InstanceAction.allowed(r));
    if (r.state() == InstanceState.RUNNING) {
      out.add(SCALE);
      if (r.replicas() > 0) {
        out.add(SWITCHOVER);
      }
    }
    out.addAll(ActorAction.allowed(r, actor));
    out.removeIf(action -> !permitted(caller, r.userName(), action));
    return out;
  }

  private static boolean permitted(Caller caller, String name, String action) {
    String instance = "/api/instances/" + name;
    if (action.equals(InstanceAction.DELETE.label())) {
      return Permissions.refusal(caller, "DELETE", instance).isEmpty();
    }
    String path =
        action.equals(ActorAction.RECOVER.label())
            ? RECOVER_ROUTE
            : instance + "/" + action.replace('.', '/');
    return Permissions.refusal(caller, "POST", path).isEmpty();
  }
}
