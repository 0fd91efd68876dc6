package dev.toygres.controlplane.backup;

import dev.toygres.engine.orchestration.OrchestrationContext;
import dev.toygres.engine.orchestration.TaskFailedException;
import dev.toygres.engine.worker.Registry;
import java.time.Duration;

/**
 * {@code toygres.backup-scheduler}: one eternal orchestration for the whole fleet (kept running by
 * the server's singleton keeper, like the pruner) that, every {@code --backup-check-interval},
 * starts the scheduled backups that are due and applies retention ({@link BackupRound}). The wait
 * comes back from the round's activity, so it is recorded in the history and replays the same.
 */
public final class BackupScheduler {
  public static final String NAME = "toygres.backup-scheduler";
  public static final String INSTANCE_ID = "toygres-backup-scheduler";
  static final String ROUND = "toygres.backup.round";

  /** What one round did, and how long to wait before the next. */
  public record Round(int started, int removed, int pruned, int purged, long nextCheckMillis) {}

  private BackupScheduler() {}

  static Registry.Builder register(Registry.Builder b, BackupRound round) {
    return b.activity(ROUND, Long.class, (ctx, n) -> round.run())
        .orchestration(NAME, Long.class, BackupScheduler::run);
  }

  private static Void run(OrchestrationContext ctx, Long round) {
    Duration wait = Duration.ofMinutes(1);
    try {
      Round r = ctx.callActivity(ROUND, round, Round.class).await();
      ctx.setCustomStatus(r);
      wait = Duration.ofMillis(r.nextCheckMillis());
    } catch (TaskFailedException e) {
      ctx.logger().warn("backup round failed, trying again later: {}", e.failure());
    }
    ctx.createTimer(wait).await();
    ctx.continueAsNew(round + 1);
    return null;
  }
}
