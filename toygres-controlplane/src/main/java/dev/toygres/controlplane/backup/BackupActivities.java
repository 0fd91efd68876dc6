package dev.toygres.controlplane.backup;

import dev.toygres.controlplane.NotFoundException;
import dev.toygres.controlplane.cms.Backups;
import dev.toygres.controlplane.cms.CmsStore;
import dev.toygres.controlplane.cms.InstanceRecord;
import dev.toygres.controlplane.dataplane.BackupResult;
import dev.toygres.controlplane.dataplane.ControlSecrets;
import dev.toygres.controlplane.dataplane.DataPlane;
import dev.toygres.controlplane.secret.SecretBox;
import dev.toygres.engine.worker.Registry;
import java.util.List;

/** The side effects of {@link BackupOrchestration}, each idempotent. */
final class BackupActivities {
  static final String TAKE = "toygres.backup.take";
  static final String VERIFY = "toygres.backup.verify";
  static final String FINISH = "toygres.backup.finish";
  static final String FAIL = "toygres.backup.fail";

  /** What the data plane took (activity result). */
  record Taken(
      String startLsn,
      String endLsn,
      int timeline,
      java.time.Instant startedAt,
      java.time.Instant finishedAt,
      long sizeBytes,
      String location) {
    static Taken of(BackupResult r) {
      return new Taken(
          r.startLsn(),
          r.endLsn(),
          r.timeline(),
          r.startedAt(),
          r.finishedAt(),
          r.sizeBytes(),
          r.location());
    }

    Backups.Taken cms() {
      return new Backups.Taken(
          startLsn, endLsn, timeline, startedAt, finishedAt, sizeBytes, location);
    }
  }

  /** A backup taken, and what its verification found (null: intact). */
  record Finish(String backupId, Taken taken, String verifyError) {}

  /** A backup that could not be taken, and why. */
  record Failure(String backupId, String message) {}

  private final CmsStore cms;
  private final DataPlane dataPlane;
  private final SecretBox secrets;

  BackupActivities(CmsStore cms, DataPlane dataPlane, SecretBox secrets) {
    this.cms = cms;
    this.dataPlane = dataPlane;
    this.secrets = secrets;
  }

  Registry.Builder register(Registry.Builder b) {
    return b.activity(TAKE, BackupOrchestration.Input.class, (ctx, in) -> take(in))
        .activity(VERIFY, BackupOrchestration.Input.class, (ctx, in) -> verify(in))
        .activity(FINISH, Finish.class, (ctx, f) -> finish(f))
        .activity(FAIL, Failure.class, (ctx, f) -> fail(f));
  }

  Taken take(BackupOrchestration.Input in) {
    InstanceRecord r = instance(in);
    InstanceRecord.Access a = r.access();
    ControlSecrets control =
        new ControlSecrets(
            secrets.decrypt(a.superuserPasswordSealed()),
            secrets.decrypt(a.monitorPasswordSealed()));
    return Taken.of(dataPlane.takeBaseBackup(r.k8sName(), in.backupId(), control));
  }

  List<String> verify(BackupOrchestration.Input in) {
    return dataPlane.verifyBackup(instance(in).k8sName(), in.backupId());
  }

  Void finish(Finish f) {
    cms.backups().finish(f.backupId(), f.taken().cms(), f.verifyError());
    return null;
  }

  Void fail(Failure f) {
    cms.backups().fail(f.backupId(), f.message());
    return null;
  }

  private InstanceRecord instance(BackupOrchestration.Input in) {
    return cms.findById(in.instanceId())
        .orElseThrow(
            () ->
                new NotFoundException(
                    "instance",
                    in.instanceId().toString(),
                    "instance " + in.instanceId() + " is not in the CMS"));
  }
}
