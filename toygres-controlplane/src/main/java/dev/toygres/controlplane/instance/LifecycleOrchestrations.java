package dev.toygres.controlplane.instance;

import dev.toygres.controlplane.actor.ActorIds;
import dev.toygres.controlplane.actor.InstanceActor;
import dev.toygres.controlplane.backup.BackupOrchestration;
import dev.toygres.controlplane.dataplane.RestoreSource;
import dev.toygres.controlplane.failover.FailoverOrchestrations;
import dev.toygres.engine.orchestration.ActivityOptions;
import dev.toygres.engine.orchestration.OrchestrationContext;
import dev.toygres.engine.orchestration.RetryPolicy;
import dev.toygres.engine.orchestration.TaskFailedException;
import dev.toygres.engine.worker.Registry;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;

/**
 * The create, delete, stop, start and restart orchestrations, and the repairs of the lifecycle:
 * rolling back a create, starting a server again after a reboot (docs/actor.md lists them).
 */
public final class LifecycleOrchestrations {
  public static final String CREATE = "toygres.create-instance";
  public static final String DELETE = "toygres.delete-instance";
  public static final String STOP = "toygres.stop-instance";
  public static final String START = "toygres.start-instance";
  public static final String RESTART = "toygres.restart-instance";
  public static final String SCALE = ScaleOrchestration.NAME;

  /**
   * Rolls back a create that will never finish (run by {@link LifecycleRepair}): removes whatever
   * it made and marks the instance failed.
   */
  public static final String ROLL_BACK_CREATE = "toygres.roll-back-create";

  /**
   * Starts again the server of an instance recorded running (run by {@link BootReconciliation}).
   */
  public static final String START_AFTER_BOOT = "toygres.start-after-boot";

  /**
   * Every orchestration that moves an instance through its lifecycle: cancelling one would skip the
   * steps that keep the CMS and the data plane consistent, so the API refuses it.
   */
  private static final Set<String> LIFECYCLE =
      Set.of(
          CREATE,
          DELETE,
          STOP,
          START,
          RESTART,
          SCALE,
          ROLL_BACK_CREATE,
          START_AFTER_BOOT,
          AccessUpgrades.NAME,
          FailoverOrchestrations.FAILOVER,
          FailoverOrchestrations.SWITCHOVER,
          BackupOrchestration.NAME);

  /**
   * Input of the create orchestration. {@code replicas} and {@code synchronous} are absent (0,
   * false) from inputs recorded before replicas existed, and {@code restore} (null: a new, empty
   * instance; else the backup and target it is restored from) from those recorded before restores
   * existed: their histories replay unchanged.
   */
  public record CreateInput(
      UUID instanceId, String k8sName, int replicas, boolean synchronous, RestoreSource restore) {
    /** A create without replicas. */
    public CreateInput(UUID instanceId, String k8sName) {
      this(instanceId, k8sName, 0, false, null);
    }

    /** A create of an empty instance. */
    public CreateInput(UUID instanceId, String k8sName, int replicas, boolean synchronous) {
      this(instanceId, k8sName, replicas, synchronous, null);
    }
  }

  private static final ActivityOptions CMS =
      ActivityOptions.retry(
          RetryPolicy.exponential(5, Duration.ofSeconds(1), Duration.ofSeconds(30)));
  private static final ActivityOptions PROVISION =
      ActivityOptions.retry(
          RetryPolicy.exponential(3, Duration.ofSeconds(2), Duration.ofSeconds(10)));
  private static final ActivityOptions READY =
      ActivityOptions.retry(
          RetryPolicy.exponential(12, Duration.ofMillis(250), Duration.ofSeconds(5)));

  private LifecycleOrchestrations() {}

  public static Registry.Builder register(Registry.Builder b) {
    ScaleOrchestration.register(b);
    return b.orchestration(CREATE, CreateInput.class, LifecycleOrchestrations::create)
        .orchestration(DELETE, UUID.class, LifecycleOrchestrations::delete)
        .orchestration(
            STOP,
            UUID.class,
            (ctx, id) -> step(ctx, "stopping", InstanceActivities.STOP_SERVER, id))
        .orchestration(
            START,
            UUID.class,
            (ctx, id) -> step(ctx, "starting", InstanceActivities.START_SERVER, id))
        .orchestration(RESTART, UUID.class, LifecycleOrchestrations::restart)
        .orchestration(
            ROLL_BACK_CREATE, InstanceActivities.Failure.class, LifecycleOrchestrations::rollBack)
        .orchestration(
            START_AFTER_BOOT,
            UUID.class,
            (ctx, id) -> step(ctx, "starting", InstanceActivities.START_AFTER_BOOT_SERVER, id));
  }

  /** Whether {@code orchestrationName} is a lifecycle orchestration (not to be cancelled). */
  public static boolean isLifecycle(String orchestrationName) {
    return LIFECYCLE.contains(orchestrationName);
  }

  /**
   * What to do instead of cancelling the lifecycle orchestration {@code orchestrationName}, for a
   * person.
   */
  public static String insteadOfCancel(String orchestrationName) {
    return switch (orchestrationName) {
      case CREATE -> "delete the instance instead (a create that cannot finish is rolled back)";
      case DELETE, ROLL_BACK_CREATE -> "wait for it: it is retried until the instance is gone";
      case BackupOrchestration.NAME ->
          "wait for it: it ends completed or failed, then delete the backup if it is not wanted";
      default -> "wait for it to end, then stop, start or delete the instance";
    };
  }

  static String create(OrchestrationContext ctx, CreateInput in) {
    try {
      InstanceActivities.Server s;
      if (in.restore() != null) {
        ctx.setCustomStatus("restoring from backup " + in.restore().backupId());
        s =
            ctx.callActivity(
                    InstanceActivities.RESTORE,
                    new InstanceActivities.Restore(in.instanceId(), in.restore()),
                    InstanceActivities.Server.class,
                    PROVISION)
                .await();
      } else {
        ctx.setCustomStatus("provisioning");
        s =
            ctx.callActivity(
                    InstanceActivities.PROVISION,
                    in.instanceId(),
                    InstanceActivities.Server.class,
                    PROVISION)
                .await();
      }
      ctx.setCustomStatus("waiting for connections on port " + s.port());
      ctx.callActivity(InstanceActivities.WAIT_READY, in.instanceId(), Void.class, READY).await();
      if (in.replicas() > 0) {
        ScaleOrchestration.provision(ctx, in.instanceId(), in.replicas(), in.synchronous());
      }
      ctx.setCustomStatus("starting actor");
      String actorId = ActorIds.fresh(in.k8sName(), ctx.newUuid());
      ctx.callActivity(
              InstanceActivities.MARK_RUNNING,
              new InstanceActivities.MarkRunning(in.instanceId(), actorId),
              Void.class,
              CMS)
          .await();
      ctx.startOrchestration(
          InstanceActor.NAME, actorId, new InstanceActor.Input(in.instanceId(), 0));
      ctx.setCustomStatus("running");
      return actorId;
    } catch (TaskFailedException e) {
      ctx.setCustomStatus("failed");
      ctx.callActivity(
              InstanceActivities.FAIL,
              new InstanceActivities.Failure(in.instanceId(), e.failure().message()),
              Void.class,
              CMS)
          .await();
      throw e;
    }
  }

  static String rollBack(OrchestrationContext ctx, InstanceActivities.Failure f) {
    ctx.setCustomStatus("removing server and data");
    ctx.callActivity(InstanceActivities.FAIL, f, Void.class, PROVISION).await();
    ctx.setCustomStatus("failed");
    return "failed";
  }

  static String delete(OrchestrationContext ctx, UUID id) {
    ctx.setCustomStatus("stopping actor");
    ctx.callActivity(InstanceActivities.STOP_ACTOR, id, Void.class, CMS).await();
    ctx.setCustomStatus("removing server and data");
    ctx.callActivity(InstanceActivities.DEPROVISION, id, Void.class, PROVISION).await();
    ctx.callActivity(InstanceActivities.MARK_DELETED, id, Void.class, CMS).await();
    ctx.setCustomStatus("deleted");
    return "deleted";
  }

  static String step(OrchestrationContext ctx, String what, String activity, UUID id) {
    ctx.setCustomStatus(what);
    ctx.callActivity(activity, id, Object.class, PROVISION).await();
    ctx.setCustomStatus("done");
    return "done";
  }

  static String restart(OrchestrationContext ctx, UUID id) {
    step(ctx, "stopping", InstanceActivities.STOP_SERVER, id);
    return step(ctx, "starting", InstanceActivities.START_SERVER, id);
  }
}
