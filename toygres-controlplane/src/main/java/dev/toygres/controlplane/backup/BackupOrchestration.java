package dev.toygres.controlplane.backup;

import dev.toygres.engine.orchestration.ActivityOptions;
import dev.toygres.engine.orchestration.OrchestrationContext;
import dev.toygres.engine.orchestration.RetryPolicy;
import dev.toygres.engine.orchestration.TaskFailedException;
import dev.toygres.engine.worker.Registry;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * {@code toygres.backup-instance}: takes one base backup of an instance, whose catalogue row was
 * written running when the orchestration was started (its id is the backup id). Takes the backup
 * through the data plane, verifies it against its manifest, and records it completed (verified) or
 * failed; the instance itself is never changed. Every step is idempotent, so a control plane killed
 * in the middle resumes it: a backup that did not finish is taken again.
 */
public final class BackupOrchestration {
  public static final String NAME = "toygres.backup-instance";

  /** Which backup of which instance. */
  public record Input(UUID instanceId, String backupId) {}

  private static final ActivityOptions CMS =
      ActivityOptions.retry(
          RetryPolicy.exponential(5, Duration.ofSeconds(1), Duration.ofSeconds(30)));
  private static final ActivityOptions DATA =
      ActivityOptions.retry(
          RetryPolicy.exponential(3, Duration.ofSeconds(2), Duration.ofSeconds(20)));

  private BackupOrchestration() {}

  static Registry.Builder register(Registry.Builder b) {
    return b.orchestration(NAME, Input.class, BackupOrchestration::run);
  }

  static String run(OrchestrationContext ctx, Input in) {
    try {
      ctx.setCustomStatus("taking base backup");
      BackupActivities.Taken t =
          ctx.callActivity(BackupActivities.TAKE, in, BackupActivities.Taken.class, DATA).await();
      ctx.setCustomStatus("verifying " + t.sizeBytes() + " bytes");
      @SuppressWarnings("unchecked")
      List<String> problems =
          ctx.callActivity(BackupActivities.VERIFY, in, List.class, DATA).await();
      String verifyError = problems.isEmpty() ? null : String.join("; ", problems);
      ctx.callActivity(
              BackupActivities.FINISH,
              new BackupActivities.Finish(in.backupId(), t, verifyError),
              Void.class,
              CMS)
          .await();
      ctx.setCustomStatus(verifyError == null ? "completed" : "failed");
      return verifyError == null ? "completed" : "failed";
    } catch (TaskFailedException e) {
      ctx.setCustomStatus("failed");
      ctx.callActivity(
              BackupActivities.FAIL,
              new BackupActivities.Failure(in.backupId(), e.failure().message()),
              Void.class,
              CMS)
          .await();
      return "failed";
    }
  }
}
