package dev.toygres.controlplane.actor;

import dev.toygres.engine.orchestration.Orchestration;
import dev.toygres.engine.orchestration.OrchestrationContext;
import dev.toygres.engine.orchestration.Task;
import dev.toygres.engine.orchestration.TaskFailedException;
import java.time.Duration;
import java.util.UUID;

/**
 * The instance actor (docs/actor.md): check the instance, then wait until its next due time on the
 * fixed {@link Cadence} (or less when the check asks to look again sooner: a failed probe to
 * confirm, a restart due) or a message, then continue as new, forever. A due time that passed
 * during a late check is skipped, never caught up. It ends by itself when its check says to stop
 * (instance gone or deleting, superseded, monitoring off). A failed check (the CMS unreachable,
 * say) is logged and the loop goes on: the actor never dies of a transient error. Messages ({@link
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

  /**
   * The version that runs the check as a local activity first ({@link ActorCheck#QUICK}), and the
   * full check as an activity only when the quick one asks for it: one step and one activity fewer
   * per iteration of a healthy instance (docs/actor.md#versions-the-quick-check).
   */
  public static final String QUICK_CHECK_VERSION = "2";

  private final Cadence cadence;
  private final boolean quickCheckFirst;

  /**
   * Version 1: every check is an activity.
   *
   * @param interval the time between two regular checks (at least 1 ms)
   */
  public InstanceActor(Duration interval) {
    this(interval, false);
  }

  /**
   * @param interval the time between two regular checks (at least 1 ms)
   * @param quickCheckFirst true for {@link #QUICK_CHECK_VERSION}, false for version 1
   */
  public InstanceActor(Duration interval, boolean quickCheckFirst) {
    this.cadence = new Cadence(interval);
    this.quickCheckFirst = quickCheckFirst;
  }

  @Override
  public String run(OrchestrationContext ctx, Input in) {
    Duration lookAgain = null;
    try {
      ActorCheck.Input check = new ActorCheck.Input(in.instanceId(), ctx.instanceId());
      ActorCheck.Result r = null;
      if (quickCheckFirst) {
        r = quickCheck(ctx, check);
      }
      if (r == null || r.escalate()) {
        r = ctx.callActivity(ActorCheck.NAME, check, ActorCheck.Result.class).await();
      }
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
        lookAgain = Duration.ofMillis(r.lookAgainMillis());
      }
    } catch (TaskFailedException e) {
      ctx.logger()
          .warn(
              "actor {}: health check failed, trying again at its next due time: {}",
              ctx.instanceId(),
              e.failure());
    }
    // Replay matches a timer by its task, not its due time: histories recorded when the wait was
    // the interval from now replay with this code unchanged (docs/actor.md#cadence).
    Task<Void> timer =
        ctx.createTimer(cadence.nextWake(in.instanceId(), ctx.currentTime(), lookAgain));
    Task<String> message = ctx.waitForEvent(MESSAGE, String.class);
    ctx.anyOf(timer, message).await();
    // In place: an actor stores its current iteration only, not one execution per check
    // (docs/actor.md#what-an-actor-stores).
    ctx.continueAsNewInPlace(new Input(in.instanceId(), in.iteration() + 1));
    return null;
  }

  /**
   * The quick check's result, or null when it failed: a probe that outlasted the step's budget for
   * local activities (half the worker's lease) must still be judged, by the full check.
   */
  private static ActorCheck.Result quickCheck(OrchestrationContext ctx, ActorCheck.Input check) {
    try {
      return ctx.callLocalActivity(ActorCheck.QUICK, check, ActorCheck.Result.class).await();
    } catch (TaskFailedException e) {
      ctx.logger()
          .info(
              "actor {}: quick check failed, running the full check: {}",
              ctx.instanceId(),
              e.failure());
      return null;
    }
  }

  /** Custom status: what the last iteration saw. */
  public record Status(long iteration, String health, int consecutiveFailures) {}
}
