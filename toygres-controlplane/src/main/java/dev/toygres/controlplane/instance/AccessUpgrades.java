package dev.toygres.controlplane.instance;

import dev.toygres.controlplane.actor.InstanceActor;
import dev.toygres.controlplane.cms.CmsStore;
import dev.toygres.controlplane.cms.InstanceRecord;
import dev.toygres.controlplane.cms.InstanceState;
import dev.toygres.engine.client.DurableClient;
import dev.toygres.engine.client.OrchestrationNotFoundException;
import dev.toygres.engine.client.OrchestrationNotRunningException;
import dev.toygres.engine.orchestration.ActivityOptions;
import dev.toygres.engine.orchestration.OrchestrationContext;
import dev.toygres.engine.orchestration.RetryPolicy;
import dev.toygres.engine.worker.Registry;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The migration of instances made before tenant isolation, run at every server start: one durable
 * orchestration per running instance that still has the old access model, so a crash in the middle
 * resumes it. A stopped one is upgraded when it is next started. Tenants need do nothing: their
 * role keeps its name, its password and its objects.
 */
public final class AccessUpgrades {
  public static final String NAME = "toygres.upgrade-access";
  private static final Logger LOG = LoggerFactory.getLogger(AccessUpgrades.class);
  private static final ActivityOptions RETRY =
      ActivityOptions.retry(
          RetryPolicy.exponential(5, Duration.ofSeconds(2), Duration.ofSeconds(30)));

  private AccessUpgrades() {}

  /** Registers the upgrade orchestration. */
  public static Registry.Builder register(Registry.Builder b) {
    return b.orchestration(NAME, UUID.class, AccessUpgrades::run);
  }

  static String run(OrchestrationContext ctx, UUID id) {
    ctx.setCustomStatus("upgrading access");
    ctx.callActivity(InstanceActivities.UPGRADE_ACCESS, id, Void.class, RETRY).await();
    ctx.setCustomStatus("upgraded");
    return "upgraded";
  }

  /**
   * Starts the upgrade of every running instance that needs one (an upgrade already running is left
   * alone; one that failed earlier is tried again), and wakes its actor when done.
   *
   * @return how many upgrades this call started
   */
  public static int startPending(CmsStore cms, DurableClient engine) {
    int started = 0;
    for (InstanceRecord r : cms.listNotUpgraded()) {
      if (r.state() != InstanceState.RUNNING) {
        continue;
      }
      if (engine.startIfNotRunning(NAME, orchestrationId(r), r.id())) {
        started++;
        LOG.info(
            "instance '{}' was made before tenant isolation: upgrading its access ({})",
            r.userName(),
            orchestrationId(r));
      }
    }
    return started;
  }

  static String orchestrationId(InstanceRecord r) {
    return "upgrade-access-" + r.k8sName();
  }

  /** Wakes the instance's actor so that it probes the upgraded instance at once. */
  static void wake(DurableClient engine, String actorId) {
    if (actorId == null) {
      return;
    }
    try {
      engine.raiseEvent(actorId, InstanceActor.MESSAGE, "access upgraded");
    } catch (OrchestrationNotFoundException | OrchestrationNotRunningException notListening) {
      // no running actor to wake
    }
  }
}
