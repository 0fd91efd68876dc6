package dev.toygres.controlplane.backup;

import dev.toygres.controlplane.ConflictException;
import dev.toygres.controlplane.InvalidRequestException;
import dev.toygres.controlplane.NotFoundException;
import dev.toygres.controlplane.StateConflictException;
import dev.toygres.controlplane.cms.BackupPolicies;
import dev.toygres.controlplane.cms.BackupRow;
import dev.toygres.controlplane.cms.Backups;
import dev.toygres.controlplane.cms.CmsStore;
import dev.toygres.controlplane.cms.InstanceRecord;
import dev.toygres.controlplane.cms.InstanceState;
import dev.toygres.controlplane.config.Durations;
import dev.toygres.controlplane.dataplane.DataPlane;
import dev.toygres.controlplane.secret.SecretBox;
import dev.toygres.engine.client.DurableClient;
import dev.toygres.engine.worker.Registry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The backup operations behind the API, and the registration of the backup orchestrations. */
public final class BackupService implements BackupOperations {
  /** Every backup id starts with it: {@code backup-<k8s name>-<8 characters>}. */
  public static final String ID_PREFIX = "backup-";

  public static final Duration MAX_DURATION = Duration.ofDays(3650);
  public static final Duration MIN_SCHEDULE = Duration.ofMinutes(1);

  private final CmsStore cms;
  private final DataPlane dataPlane;
  private final DurableClient engine;
  private final RestoreWindows windows;

  public BackupService(CmsStore cms, DataPlane dataPlane, DurableClient engine) {
    this.cms = cms;
    this.dataPlane = dataPlane;
    this.engine = engine;
    this.windows = new RestoreWindows(cms);
  }

  /**
   * Registers the backup orchestration, its activities and the scheduler, whose rounds come every
   * {@code checkInterval}.
   */
  public static Registry.Builder register(
      Registry.Builder b,
      CmsStore cms,
      DataPlane dataPlane,
      SecretBox secrets,
      DurableClient engine,
      Duration checkInterval) {
    new BackupActivities(cms, dataPlane, secrets).register(b);
    BackupOrchestration.register(b);
    return BackupScheduler.register(b, new BackupRound(cms, dataPlane, engine, checkInterval));
  }

  @Override
  public Started create(String name) {
    InstanceRecord r = live(name);
    if (r.state() != InstanceState.RUNNING) {
      throw new StateConflictException(
          r.userName(),
          r.state().dbName(),
          "backup",
          "instance '"
              + r.userName()
              + "' is "
              + r.state().dbName()
              + "; back it up while it runs");
    }
    String id = ID_PREFIX + r.k8sName() + "-" + UUID.randomUUID().toString().substring(0, 8);
    BackupOrchestration.Input input = new BackupOrchestration.Input(r.id(), id);
    cms.backups()
        .start(
            new Backups.NewBackup(id, r.id(), r.userName(), r.k8sName(), "manual"),
            tx -> engine.start(tx, BackupOrchestration.NAME, id, input));
    return new Started(id, id);
  }

  @Override
  public List<BackupRow> list(String name) {
    return name == null || name.isBlank()
        ? cms.backups().listAll()
        : cms.backups().listByName(name);
  }

  @Override
  public BackupRow get(String id) {
    return cms.backups()
        .find(id)
        .filter(b -> b.deletedAt() == null)
        .orElseThrow(() -> NotFoundException.named("backup", id));
  }

  @Override
  public void delete(String id, boolean force) {
    BackupRow b = get(id);
    if (BackupRow.RUNNING.equals(b.status())) {
      throw new ConflictException("backup " + id + " is still running; delete it once it ended");
    }
    if (!force) {
      refuseIfNeeded(b);
    }
    dataPlane.deleteBackup(b.k8sName(), b.id());
    cms.backups().markDeleted(b.id(), "backup " + b.id() + " deleted" + (force ? " (forced)" : ""));
  }

  private void refuseIfNeeded(BackupRow b) {
    InstanceRecord r = cms.findById(b.instanceId()).orElse(null);
    BackupPolicies.Policy p = cms.backups().policies().get(b.instanceId());
    Instant now = cms.databaseNow();
    Instant horizon = now.minus(p.retention());
    if (r == null || (r.deletedAt() != null && r.deletedAt().isBefore(horizon))) {
      return;
    }
    BackupRow base = RetentionPlan.base(cms.backups().list(b.instanceId()), horizon);
    if (base != null && base.id().equals(b.id())) {
      throw new ConflictException(
          "backup "
              + b.id()
              + " is the base of the restore window of instance '"
              + b.instanceName()
              + "' (retention "
              + Durations.format(p.retention())
              + "): without it that window could no longer be restored; pass force to delete it"
              + " anyway");
    }
  }

  @Override
  public BackupPolicies.Policy policy(String name) {
    return cms.backups().policies().get(live(name).id());
  }

  @Override
  public BackupPolicies.Policy setPolicy(
      String name, Duration every, boolean off, Duration retention) {
    if (every != null && (every.compareTo(MIN_SCHEDULE) < 0 || every.compareTo(MAX_DURATION) > 0)) {
      throw new InvalidRequestException(
          "every", "the schedule must be between 1m and 3650d, was " + Durations.format(every));
    }
    if (retention != null
        && (retention.compareTo(MIN_SCHEDULE) < 0 || retention.compareTo(MAX_DURATION) > 0)) {
      throw new InvalidRequestException(
          "retention",
          "the retention must be between 1m and 3650d, was " + Durations.format(retention));
    }
    InstanceRecord r = live(name);
    BackupPolicies.Policy p = cms.backups().policies().set(r.id(), every, off, retention);
    cms.event(
        r.id(),
        "backup_policy_changed",
        "backups "
            + (p.schedule() == null ? "not scheduled" : "every " + Durations.format(p.schedule()))
            + ", kept "
            + Durations.format(p.retention()));
    return p;
  }

  @Override
  public RestoreWindow window(InstanceRecord r) {
    return windows.of(r.id());
  }

  private InstanceRecord live(String name) {
    return cms.findLiveByName(name).orElseThrow(() -> NotFoundException.named("instance", name));
  }
}
