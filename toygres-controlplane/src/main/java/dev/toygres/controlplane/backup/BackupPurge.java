package dev.toygres.controlplane.backup;

import dev.toygres.controlplane.cms.CmsStore;
import dev.toygres.controlplane.dataplane.DataPlane;
import java.util.UUID;

/** Removes every backup and the whole archive of an instance, store first, then the catalogue. */
public final class BackupPurge {
  private BackupPurge() {}

  /** Idempotent; {@code why} names who asked (retention, the instance's delete). */
  public static void purge(
      CmsStore cms, DataPlane dataPlane, UUID instanceId, String k8sName, String why) {
    dataPlane.purgeBackups(k8sName);
    cms.backups().policies().purged(instanceId);
    cms.event(
        instanceId, "backups_purged", "every backup and the WAL archive removed (" + why + ")");
  }
}
