package dev.toygres.controlplane.actor;

import dev.toygres.controlplane.ConflictException;
import dev.toygres.controlplane.actor.ActorOperations.ActorResult;
import dev.toygres.controlplane.cms.ActorClaims;
import dev.toygres.controlplane.cms.CmsStore;
import dev.toygres.controlplane.cms.InstanceRecord;
import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.client.DurableClient;
import dev.toygres.engine.client.InstanceInfo;
import dev.toygres.engine.client.OrchestrationNotFoundException;
import dev.toygres.engine.client.OrchestrationNotRunningException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * Actor start, restart and cancel (docs/actor.md). The new actor's id is recorded in the CMS with a
 * compare-and-set on the previous id, in the transaction that starts the actor, so two concurrent
 * operations cannot both win; an actor that is no longer the recorded one stops itself at its next
 * check.
 */
public final class ActorService implements ActorOperations {
  private final CmsStore cms;
  private final DurableClient engine;
  private final Function<String, InstanceRecord> byName;
  private final ActorClaims claims;

  public ActorService(CmsStore cms, DurableClient engine, Function<String, InstanceRecord> byName) {
    this.cms = cms;
    this.engine = engine;
    this.byName = byName;
    this.claims = new ActorClaims(cms.dataSource());
  }

  /**
   * One instance to give a fresh actor in {@link #launchAll}.
   *
   * @param expected the actor id the instance must still have (null: none), as in {@link #launch}
   * @param why the message of the instance's {@code actor_started} event
   */
  public record Launch(UUID instanceId, String k8sName, String expected, String why) {}

  @Override
  public ActorResult start(String name) {
    InstanceRecord r = byName.apply(name);
    ActorAction.START.check(r, isRunning(r.actorId()));
    String id = launch(r, r.actorId(), "actor started by an operator");
    return new ActorResult(name, id, null, "started");
  }

  @Override
  public ActorResult restart(String name) {
    InstanceRecord r = byName.apply(name);
    ActorAction.RESTART.check(r, false);
    String previous = r.actorId();
    String id = launch(r, previous, "actor restarted by an operator (previous " + previous + ")");
    cancelQuietly(previous, "replaced by " + id);
    return new ActorResult(name, id, previous, "restarted");
  }

  @Override
  public ActorResult cancel(String name) {
    InstanceRecord r = byName.apply(name);
    ActorAction.CANCEL.check(r, isRunning(r.actorId()));
    cms.monitoringOff(
        r.id(),
        r.actorId(),
        "actor " + r.actorId() + " cancelled by an operator; monitoring is off");
    cancelQuietly(r.actorId(), "cancelled by an operator");
    return new ActorResult(name, r.actorId(), null, "cancelled");
  }

  /**
   * Records a fresh actor id (compare-and-set on {@code expected}) and starts the actor, in one
   * transaction: the id is never recorded without its actor, nor the actor started unrecorded.
   */
  public String launch(InstanceRecord r, String expected, String why) {
    String id = ActorIds.fresh(r.k8sName(), UUID.randomUUID());
    InstanceActor.Input input = new InstanceActor.Input(r.id(), 0);
    if (!cms.recordActor(
        r.id(), expected, id, why, tx -> engine.start(tx, InstanceActor.NAME, id, input))) {
      throw new ConflictException(
          "the actor of instance '"
              + r.userName()
              + "' was changed by another operation at the same time; try again");
    }
    return id;
  }

  /**
   * {@link #launch} for many instances at once, in one transaction whatever their number: each
   * instance whose actor is still the expected one and whose state is one an actor watches gets a
   * fresh actor id (compare-and-set, with its event) and the actor is started; the others are left
   * as they are (another operation changed them since). Returns the fresh actor id of each instance
   * that got one, by instance id, in the order given. The launches must name distinct instances.
   */
  public Map<UUID, String> launchAll(List<Launch> launches) {
    List<ActorClaims.Claim> wanted = new ArrayList<>(launches.size());
    for (Launch l : launches) {
      wanted.add(
          new ActorClaims.Claim(
              l.instanceId(),
              l.expected(),
              ActorIds.fresh(l.k8sName(), UUID.randomUUID()),
              l.why()));
    }
    Map<UUID, String> started = new LinkedHashMap<>();
    claims.claim(
        wanted,
        ActorFence.WATCHED,
        (tx, claimed) -> {
          Map<String, InstanceActor.Input> inputs = new LinkedHashMap<>();
          for (ActorClaims.Claim c : claimed) {
            inputs.put(c.actorId(), new InstanceActor.Input(c.instanceId(), 0));
            started.put(c.instanceId(), c.actorId());
          }
          engine.startAll(tx, InstanceActor.NAME, inputs);
        });
    return started;
  }

  private boolean isRunning(String actorId) {
    if (actorId == null) {
      return false;
    }
    Optional<InstanceInfo> info = engine.getInstance(actorId);
    return info.isPresent() && info.get().status() == OrchestrationStatus.RUNNING;
  }

  /**
   * Ends an actor now: terminate rather than cancel, so that one stuck under a dead worker's lease
   * (a zombie) does not stay "running" until the lease expires. Returns whether this call ended it.
   */
  boolean cancelQuietly(String actorId, String reason) {
    if (actorId == null) {
      return false;
    }
    try {
      engine.terminate(actorId, reason);
      return true;
    } catch (OrchestrationNotFoundException | OrchestrationNotRunningException alreadyGone) {
      return false;
    }
  }
}
