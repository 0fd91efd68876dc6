package dev.toygres.controlplane.server;

import dev.toygres.controlplane.cms.AuditLog;
import dev.toygres.controlplane.cms.CmsException;
import dev.toygres.controlplane.cms.HealthCheckPartitions;
import dev.toygres.controlplane.cms.HealthRecorder;
import dev.toygres.engine.client.DurableClient;
import dev.toygres.engine.orchestration.OrchestrationContext;
import dev.toygres.engine.orchestration.TaskFailedException;
import dev.toygres.engine.worker.Registry;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pruner: one eternal orchestration for the whole fleet that, every ten minutes, drops the
 * daily partitions of the health checks whose checks are all older than the health retention (and
 * makes the coming days' partitions ahead), deletes audit rows older than the audit retention, and
 * the engine's past executions older than an hour (every actor iteration leaves one). The server
 * starts it, and starts it again whenever it has ended ({@link SingletonKeeper}).
 */
final class Pruner {
  private static final Logger LOG = LoggerFactory.getLogger(Pruner.class);
  static final String NAME = "toygres.pruner";
  static final String INSTANCE_ID = "toygres-pruner";
  static final String ACTIVITY = "toygres.prune";
  static final Duration EVERY = Duration.ofMinutes(10);
  private static final Duration KEEP_EXECUTIONS = Duration.ofHours(1);

  /**
   * What one round removed (health checks: about how many, counted by the planner's statistics).
   */
  record Pruned(int healthChecks, int executions, int auditRows) {}

  /** How long health checks and audit rows are kept. */
  record Retention(Duration healthChecks, Duration auditRows) {}

  private Pruner() {}

  static Registry.Builder register(
      Registry.Builder b,
      HealthRecorder health,
      AuditLog audit,
      DurableClient engine,
      Retention retention) {
    return b.activity(
            ACTIVITY,
            Long.class,
            (ctx, round) ->
                new Pruned(
                    pruneHealthChecks(health.partitions(), retention.healthChecks()),
                    engine.purge(Instant.now().minus(KEEP_EXECUTIONS)),
                    audit.prune(Instant.now().minus(retention.auditRows()))))
        .orchestration(NAME, Long.class, Pruner::run);
  }

  /**
   * Makes the coming days' partitions of the health checks, then drops the days past {@code keep}
   * whole; returns about how many checks went (the planner's count of the dropped partitions'
   * rows).
   */
  static int pruneHealthChecks(HealthCheckPartitions partitions, Duration keep) {
    Instant now = Instant.now();
    try {
      partitions.createAhead(now);
    } catch (CmsException e) {
      LOG.warn("Cannot make the health checks' next partitions now, next round: {}", e.toString());
    }
    try {
      long rows = partitions.dropOlderThan(now.minus(keep), now).rowsEstimated();
      return (int) Math.min(Integer.MAX_VALUE, rows);
    } catch (CmsException e) {
      LOG.warn("Cannot drop the health checks' old partitions now, next round: {}", e.toString());
      return 0;
    }
  }

  private static Void run(OrchestrationContext ctx, Long round) {
    try {
      Pruned p = ctx.callActivity(ACTIVITY, round, Pruned.class).await();
      ctx.setCustomStatus(p);
    } catch (TaskFailedException e) {
      ctx.logger().warn("pruning failed, trying again later: {}", e.failure());
    }
    ctx.createTimer(EVERY).await();
    ctx.continueAsNew(round + 1);
    return null;
  }
}
