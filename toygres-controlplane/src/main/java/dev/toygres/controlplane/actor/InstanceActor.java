package dev.toygres.controlplane.actor;

import dev.toygres.engine.orchestration.Orchestration;
import dev.toygres.engine.orchestration.OrchestrationContext;
import dev.toygres.engine.orchestration.Task;
import dev.toygres.engine.orchestration.TaskFailedException;
import java.time.Duration;
import java.util.UUID;

/**
 * The instance actor (docs/actor.md): check the instance, then wait for the health interval (or
 * less when the check asks to look again sooner: a failed probe to confirm, a restart due) or a
 * message, then continue as new, forever. It ends by itself when its check says to stop (instance
 * gone or deleting, superseded, monitoring off). A failed check (the CMS unreachable, say) is
 * logged and the loop goes on: the actor never dies of a transient error. Messages ({@link
 * #MESSAGE}) wake it early; one sent while it is busy is kept for its next wait, across
 * continue-as-new.
 */
public final class InstanceActor implements Orchestration<InstanceActor.Input, String> {
  public static final String NAME = "toygres.instance-actor";

  /**
   * The external event that wakes an actor (data: a short reason such as "stopped" or "deleted").
   */
  public static final String MESSAGE = "actor-message";

  /** The instance watched, and how many iterations this actor has done. */
  public record Input(UUID instanceId, long iteration) {}

  private final Duration interval;

  public InstanceActor(Duration interval) {
    this.interval = interval;
  }

  @Override
  public String run(OrchestrationContext ctx, Input in) {
    Duration wait = interval;
    try {
      ActorCheck.Result r =
          ctx.callActivity(
                  ActorCheck.NAME,
                  new ActorCheck.Input(in.instanceId(), ctx.instanceId()),
                  ActorCheck.Result.class)
              .await();
      if (r.stop()) {
        ctx.logger()
            .info(
                "actor {} for instance {} stops: {}",
                ctx.instanceId(),
                in.instanceId(),
                r.reason());
        return "stopped: " + r.reason();
      }
      ctx.setCustomStatus(new Status(in.iteration(), r.healthStatus(), r.consecutiveFailures()));
      if (r.lookAgainMillis() != null) {
        wait = Duration.ofMillis(Math.max(0, Math.min(r.lookAgainMillis(), interval.toMillis())));
      }
    } catch (TaskFailedException e) {
      ctx.logger()
          .warn(
              "actor {}: health check failed, trying again next interval: {}",
              ctx.instanceId(),
              e.failure());
    }
    Task<Void> timer = ctx.createTimer(wait);
    Task<String> message = ctx.waitForEvent(MESSAGE, String.class);
    ctx.anyOf(timer, message).await();
    ctx.continueAsNew(new Input(in.instanceId(), in.iteration() + 1));
    return null;
  }

  /** Custom status: what the last iteration saw. */
  public record Status(long iteration, String health, int consecutiveFailures) {}
}
