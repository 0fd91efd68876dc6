package dev.toygres.controlplane.dataplane;

import java.time.Instant;
import java.util.Objects;

/**
 * What a new instance is restored from: base backup {@code backupId} of instance {@code k8sName}
 * and its archived WAL, up to {@code toTime} or {@code toLsn} (at most one; neither: all the WAL
 * archived).
 */
public record RestoreSource(String k8sName, String backupId, Instant toTime, String toLsn) {
  public RestoreSource {
    Objects.requireNonNull(k8sName, "k8sName");
    Objects.requireNonNull(backupId, "backupId");
    if (toTime != null && toLsn != null) {
      throw new IllegalArgumentException("restore to a time or to an LSN, not both");
    }
  }
}
