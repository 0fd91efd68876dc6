package dev.toygres.controlplane.backup;

import dev.toygres.controlplane.cms.CmsStore;
import dev.toygres.controlplane.cms.InstanceRecord;
import dev.toygres.controlplane.cms.WalArchive;
import java.time.Instant;
import java.util.UUID;

/** The restore window of an instance as the catalogue and the archive's health record it. */
public final class RestoreWindows {
  private final CmsStore cms;

  public RestoreWindows(CmsStore cms) {
    this.cms = cms;
  }

  /** The instance's window: its usable backups, and when its WAL was last archived. */
  public RestoreWindow of(UUID instanceId) {
    return RestoreWindow.of(cms.backups().list(instanceId), lastArchivedAt(instanceId));
  }

  /**
   * When the instance's WAL was last archived, as the instance actor's last check read it from
   * {@code pg_stat_archiver} (docs/backups.md#the-archives-health), or null when not known (then
   * the window ends with its newest backup).
   */
  Instant lastArchivedAt(UUID instanceId) {
    return cms.findById(instanceId)
        .map(InstanceRecord::archive)
        .map(WalArchive::lastArchivedAt)
        .orElse(null);
  }
}
