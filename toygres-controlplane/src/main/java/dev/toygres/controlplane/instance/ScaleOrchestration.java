package dev.toygres.controlplane.instance;

import dev.toygres.engine.orchestration.ActivityOptions;
import dev.toygres.engine.orchestration.OrchestrationContext;
import dev.toygres.engine.orchestration.RetryPolicy;
import dev.toygres.engine.orchestration.TaskFailedException;
import dev.toygres.engine.worker.Registry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Making and removing an instance's streaming standbys: the steps a create with replicas adds (only
 * when it asks for replicas, so recorded creates replay unchanged), and the scale orchestration
 * ({@code toygres scale NAME --replicas N}). Standbys are made one after another; with synchronous
 * replication, commits are re-pointed at the standbys that stay before any is removed, so no commit
 * waits for a standby that is going away.
 */
public final class ScaleOrchestration {
  public static final String NAME = "toygres.scale-instance";

  /** Input of the scale orchestration: the instance and how many standbys it should have. */
  public record Input(UUID instanceId, int replicas) {}

  private static final ActivityOptions STANDBY =
      ActivityOptions.retry(
          RetryPolicy.exponential(3, Duration.ofSeconds(2), Duration.ofSeconds(10)));

  private ScaleOrchestration() {}

  static Registry.Builder register(Registry.Builder b) {
    return b.orchestration(NAME, Input.class, ScaleOrchestration::scale);
  }

  /** The replica steps of a create: standbys 1 to {@code replicas}, then the commit rule. */
  static void provision(OrchestrationContext ctx, UUID id, int replicas, boolean synchronous) {
    List<Integer> all = new ArrayList<>();
    for (int i = 1; i <= replicas; i++) {
      ctx.setCustomStatus("making standby " + i + " of " + replicas);
      add(ctx, id, i);
      all.add(i);
    }
    if (synchronous) {
      ctx.setCustomStatus("making commits wait for a standby");
      sync(ctx, id, all);
    }
  }

  static String scale(OrchestrationContext ctx, Input in) {
    ctx.setCustomStatus("planning");
    ReplicaActivities.ScalePlan plan =
        ctx.callActivity(
                ReplicaActivities.PLAN_SCALE, in, ReplicaActivities.ScalePlan.class, STANDBY)
            .await();
    List<Integer> remaining = new ArrayList<>(plan.keep());
    for (int i : plan.add()) {
      ctx.setCustomStatus("making standby " + i);
      try {
        add(ctx, in.instanceId(), i);
      } catch (TaskFailedException e) {
        // A standby that could not be made must not keep its slot, which would hold the
        // primary's WAL for ever.
        ctx.setCustomStatus("removing the standby that could not be made");
        remove(ctx, in.instanceId(), i);
        throw e;
      }
      remaining.add(i);
    }
    if (plan.synchronous() || !plan.remove().isEmpty()) {
      ctx.setCustomStatus("setting which standbys commits wait for");
      sync(ctx, in.instanceId(), plan.synchronous() ? remaining : List.of());
    }
    for (int i : plan.remove()) {
      ctx.setCustomStatus("removing standby " + i);
      remove(ctx, in.instanceId(), i);
    }
    ctx.setCustomStatus("done");
    return in.replicas() + " replicas";
  }

  private static void add(OrchestrationContext ctx, UUID id, int ordinal) {
    ctx.callActivity(
            ReplicaActivities.ADD_STANDBY,
            new ReplicaActivities.StandbyRef(id, ordinal),
            Void.class,
            STANDBY)
        .await();
  }

  private static void remove(OrchestrationContext ctx, UUID id, int ordinal) {
    ctx.callActivity(
            ReplicaActivities.REMOVE_STANDBY,
            new ReplicaActivities.StandbyRef(id, ordinal),
            Void.class,
            STANDBY)
        .await();
  }

  private static void sync(OrchestrationContext ctx, UUID id, List<Integer> ordinals) {
    ctx.callActivity(
            ReplicaActivities.SET_SYNCHRONOUS,
            new ReplicaActivities.SyncInput(id, ordinals),
            Void.class,
            STANDBY)
        .await();
  }
}
