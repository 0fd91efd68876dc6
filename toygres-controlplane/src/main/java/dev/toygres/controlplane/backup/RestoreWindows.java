package dev.toygres.controlplane.backup;

import dev.toygres.controlplane.cms.CmsStore;
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
   * When the instance's WAL was last archived, or null when not known (then the window ends with
   * its newest backup). The archive's health is recorded by the instance actor (docs/backups.md);
   * until that is wired in here, this is not known.
   */
  Instant lastArchivedAt(UUID instanceId) {
    return null;
  }
}
