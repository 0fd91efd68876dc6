package dev.toygres.controlplane.actor;

import dev.toygres.controlplane.cms.ArchiveStatus;
import dev.toygres.controlplane.cms.WalArchive;

/** What the doctor adds to an instance's reason when its WAL archive fails or lags. */
final class ArchiveReason {
  private ArchiveReason() {}

  /**
   * {@code WAL archive failing: 3 failed attempts, the last on 000000010000000000000004 at …}, or
   * {@code WAL archive lagging: 12 finished segments wait, last archived at …}; null when the
   * archive is ok, has nothing archived yet, or was never read.
   */
  static String of(WalArchive a) {
    if (a == null) {
      return null;
    }
    ArchiveStatus s = a.status();
    if (s == ArchiveStatus.FAILING) {
      return "WAL archive failing: "
          + a.failedCount()
          + " failed attempt(s), the last on "
          + a.lastFailedWal()
          + " at "
          + a.lastFailedAt()
          + (a.lastArchivedAt() == null
              ? "; nothing archived yet"
              : "; last archived " + a.lastArchivedWal() + " at " + a.lastArchivedAt());
    }
    if (s == ArchiveStatus.LAGGING) {
      return "WAL archive lagging: "
          + a.lagSegments()
          + " finished segment(s) wait; last archived "
          + a.lastArchivedWal()
          + " at "
          + a.lastArchivedAt();
    }
    return null;
  }
}
