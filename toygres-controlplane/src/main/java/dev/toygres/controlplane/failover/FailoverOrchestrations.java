package dev.toygres.controlplane.failover;

import dev.toygres.controlplane.cms.CmsStore;
import dev.toygres.controlplane.dataplane.DataPlane;
import dev.toygres.controlplane.failover.FailoverActivities.Choice;
import dev.toygres.controlplane.failover.FailoverActivities.Fenced;
import dev.toygres.controlplane.secret.SecretBox;
import dev.toygres.engine.orchestration.ActivityOptions;
import dev.toygres.engine.orchestration.OrchestrationContext;
import dev.toygres.engine.orchestration.RetryPolicy;
import dev.toygres.engine.orchestration.TaskFailedException;
import dev.toygres.engine.worker.Registry;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.UUID;

/**
 * The failover and switchover orchestrations (docs/replication.md#failover). Each step is an
 * activity recorded in the orchestration's history, so a control plane that dies in the middle
 * resumes at the step it was in: a failover fenced before the crash is not fenced twice, and a
 * promotion made but not recorded is found made (the data plane's steps are idempotent).
 *
 * <p>Failover: fence the primary (cancelled if it answers again), choose the standby with the most
 * WAL, promote it and record it as the primary, re-point the other standbys, rebuild the former
 * primary as a standby. Without a standby to promote, the fence is lifted and the actor's crash
 * restart takes over. Switchover: stop the primary cleanly, wait until the chosen standby received
 * its last WAL (else start the primary again and give up), then the same steps.
 */
public final class FailoverOrchestrations {
  public static final String FAILOVER = "toygres.failover";
  public static final String SWITCHOVER = "toygres.switchover";

  /** Input of a failover: the instance and why its primary is considered down. */
  public record FailoverInput(UUID instanceId, String reason) {}

  /** Input of a switchover: the instance and the standby to promote (null: the most advanced). */
  public record SwitchoverInput(UUID instanceId, Integer to) {}

  private static final ActivityOptions STEP =
      ActivityOptions.retry(
          RetryPolicy.exponential(5, Duration.ofSeconds(1), Duration.ofSeconds(10)));

  private FailoverOrchestrations() {}

  /** Adds both orchestrations and their activities to {@code b}. */
  public static Registry.Builder register(
      Registry.Builder b,
      CmsStore cms,
      DataPlane dataPlane,
      SecretBox secrets,
      MeterRegistry metrics) {
    new FailoverActivities(cms, dataPlane, secrets, metrics).register(b);
    return b.orchestration(FAILOVER, FailoverInput.class, FailoverOrchestrations::failover)
        .orchestration(SWITCHOVER, SwitchoverInput.class, FailoverOrchestrations::switchover);
  }

  static String failover(OrchestrationContext ctx, FailoverInput in) {
    UUID id = in.instanceId();
    ctx.setCustomStatus("fencing the primary");
    Fenced f =
        call(
            ctx,
            FailoverActivities.FENCE,
            new FailoverActivities.FenceInput(id, in.reason()),
            Fenced.class);
    if (f.cancelled()) {
      return release(ctx, id, "failover", "cancelled", "the primary answers again: no failover");
    }
    ctx.setCustomStatus("choosing the standby to promote");
    Choice c =
        call(
            ctx,
            FailoverActivities.CHOOSE,
            new FailoverActivities.ChooseInput(id, f.oldPrimary(), null),
            Choice.class);
    if (c.ordinal() == null) {
      ctx.setCustomStatus("no standby to promote: lifting the fence");
      call(
          ctx,
          FailoverActivities.UNFENCE,
          new FailoverActivities.UnfenceInput(id, f.oldPrimary(), false),
          Void.class);
      return release(
          ctx,
          id,
          "failover",
          "abandoned",
          c.why() + ": nothing promoted, the primary's crash restart takes over");
    }
    return promoteAndRejoin(ctx, id, "failover", f.oldPrimary(), c);
  }

  static String switchover(OrchestrationContext ctx, SwitchoverInput in) {
    UUID id = in.instanceId();
    ctx.setCustomStatus("stopping the primary cleanly");
    Fenced f;
    try {
      f =
          call(
              ctx,
              FailoverActivities.STOP_PRIMARY,
              new FailoverActivities.FenceInput(id, "switchover requested"),
              Fenced.class);
    } catch (TaskFailedException e) {
      return release(
          ctx,
          id,
          "switchover",
          "failed",
          "the primary could not be stopped cleanly: " + e.failure().message());
    }
    ctx.setCustomStatus("choosing the standby to promote");
    Choice c =
        call(
            ctx,
            FailoverActivities.CHOOSE,
            new FailoverActivities.ChooseInput(id, f.oldPrimary(), in.to()),
            Choice.class);
    boolean caughtUp =
        c.ordinal() != null
            && call(
                ctx,
                FailoverActivities.AWAIT_CATCH_UP,
                new FailoverActivities.CatchUpInput(id, c.ordinal(), f.lsn()),
                Boolean.class);
    if (!caughtUp) {
      ctx.setCustomStatus("giving up: starting the primary again");
      call(
          ctx,
          FailoverActivities.UNFENCE,
          new FailoverActivities.UnfenceInput(id, f.oldPrimary(), true),
          Void.class);
      return release(
          ctx,
          id,
          "switchover",
          "abandoned",
          (c.ordinal() == null
                  ? c.why()
                  : "standby "
                      + c.ordinal()
                      + " did not receive the primary's last WAL within "
                      + FailoverActivities.CATCH_UP.toSeconds()
                      + " s")
              + ": nothing promoted, the primary was started again");
    }
    return promoteAndRejoin(ctx, id, "switchover", f.oldPrimary(), c);
  }

  private static String promoteAndRejoin(
      OrchestrationContext ctx, UUID id, String kind, int oldPrimary, Choice c) {
    ctx.setCustomStatus("promoting standby " + c.ordinal());
    try {
      call(
          ctx,
          FailoverActivities.PROMOTE,
          new FailoverActivities.PromoteInput(id, c.ordinal(), c.synchronous()),
          Void.class);
    } catch (TaskFailedException e) {
      // Nothing is undone: the promotion may have happened, and the former primary must then
      // never start as a primary again. It stays fenced for a person (or a switchover) to sort out.
      release(
          ctx,
          id,
          kind,
          "failed",
          "standby "
              + c.ordinal()
              + " could not be promoted ("
              + e.failure().message()
              + "); the former primary (server "
              + oldPrimary
              + ") stays fenced");
      throw e;
    }
    for (int other : c.others()) {
      ctx.setCustomStatus("re-pointing standby " + other);
      call(
          ctx, FailoverActivities.REPOINT, new FailoverActivities.ServerRef(id, other), Void.class);
    }
    ctx.setCustomStatus("rebuilding the former primary as a standby");
    String rebuilt = "the former primary (server " + oldPrimary + ") is a standby again";
    try {
      call(
          ctx,
          FailoverActivities.REBUILD,
          new FailoverActivities.ServerRef(id, oldPrimary),
          Void.class);
    } catch (TaskFailedException e) {
      rebuilt =
          "the former primary (server "
              + oldPrimary
              + ") could not be rebuilt ("
              + e.failure().message()
              + "); it stays fenced";
    }
    return release(
        ctx, id, kind, "completed", "server " + c.ordinal() + " is the primary; " + rebuilt);
  }

  private static String release(
      OrchestrationContext ctx, UUID id, String kind, String outcome, String message) {
    ctx.setCustomStatus(outcome);
    call(
        ctx,
        FailoverActivities.RELEASE,
        new FailoverActivities.ReleaseInput(id, ctx.instanceId(), kind, outcome, message),
        Void.class);
    return outcome + ": " + message;
  }

  private static <T> T call(
      OrchestrationContext ctx, String activity, Object input, Class<T> type) {
    return ctx.callActivity(activity, input, type, STEP).await();
  }
}
