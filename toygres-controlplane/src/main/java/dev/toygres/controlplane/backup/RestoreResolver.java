package dev.toygres.controlplane.backup;

import dev.toygres.controlplane.InvalidRequestException;
import dev.toygres.controlplane.cms.BackupRow;
import dev.toygres.controlplane.cms.CmsStore;
import dev.toygres.controlplane.cms.InstanceRecord;
import dev.toygres.controlplane.dataplane.DataPlane;
import dev.toygres.controlplane.dataplane.RestoreSource;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Turns a restore request ({@code from}: a backup id or an instance name, live or deleted; at most
 * one of {@code to_time} and {@code to_lsn}) into the backup to start from, checking it before
 * anything is created: every problem is an {@link InvalidRequestException} naming the field. The
 * chosen backup is verified again against its manifest (its files may have changed since it was
 * taken), and a restore from one that fails is refused.
 */
public final class RestoreResolver {
  private final CmsStore cms;
  private final DataPlane dataPlane;
  private final RestoreWindows windows;

  public RestoreResolver(CmsStore cms, DataPlane dataPlane) {
    this.cms = cms;
    this.dataPlane = dataPlane;
    this.windows = new RestoreWindows(cms);
  }

  /** A checked restore: where from, to where, and the major version the new instance runs. */
  public record Resolved(RestoreSource source, String sourceName, int majorVersion) {}

  public Resolved resolve(String from, String toTime, String toLsn) {
    if (from == null || from.isBlank()) {
      throw new InvalidRequestException(
          "restore.from", "restore.from is required: a backup id or an instance name");
    }
    boolean hasTime = toTime != null && !toTime.isBlank();
    boolean hasLsn = toLsn != null && !toLsn.isBlank();
    if (hasTime && hasLsn) {
      throw new InvalidRequestException(
          "restore", "restore to a time (to_time) or to an LSN (to_lsn), not both");
    }
    Instant time = hasTime ? time(toTime) : null;
    Long lsn = hasLsn ? Lsn.parse(toLsn, "restore.to_lsn") : null;
    Optional<BackupRow> byId = cms.backups().find(from.strip()).filter(b -> b.deletedAt() == null);
    List<BackupRow> rows;
    if (byId.isPresent()) {
      refuseUnusable(byId.get());
      rows = cms.backups().list(byId.get().instanceId());
    } else {
      rows = sourceInstanceBackups(from.strip());
    }
    UUID instanceId = rows.get(0).instanceId();
    InstanceRecord source =
        cms.findById(instanceId)
            .orElseThrow(() -> new InvalidRequestException("restore.from", "no instance " + from));
    RestoreWindow w = windows.of(instanceId);
    if (!w.any()) {
      throw new InvalidRequestException(
          "restore.from",
          "instance '" + source.userName() + "' has no completed, verified backup to restore from");
    }
    BackupRow chosen = byId.orElse(null);
    if (time != null) {
      checkTime(time, w, source, chosen);
      if (chosen == null) {
        chosen = newest(rows, b -> !b.finishedAt().isAfter(time));
      }
    } else if (lsn != null) {
      if (chosen == null) {
        chosen = newest(rows, b -> Lsn.parse(b.endLsn(), "end_lsn") <= lsn);
      }
      if (chosen == null || Lsn.parse(chosen.endLsn(), "end_lsn") > lsn) {
        throw new InvalidRequestException(
            "restore.to_lsn",
            "to_lsn "
                + toLsn
                + " is before the earliest restorable point: the end of the backup ("
                + (chosen != null ? chosen.endLsn() : oldest(rows).endLsn())
                + ")");
      }
    } else if (chosen == null) {
      chosen = newest(rows, b -> true);
    }
    verify(chosen);
    return new Resolved(
        new RestoreSource(chosen.k8sName(), chosen.id(), time, hasLsn ? Lsn.format(lsn) : null),
        source.userName(),
        Integer.parseInt(source.postgresVersion()));
  }

  private List<BackupRow> sourceInstanceBackups(String name) {
    Optional<InstanceRecord> live = cms.findLiveByName(name);
    if (live.isPresent()) {
      List<BackupRow> rows = cms.backups().list(live.get().id());
      if (rows.stream().noneMatch(BackupRow::usable)) {
        throw new InvalidRequestException(
            "restore.from",
            "instance '" + name + "' has no completed, verified backup to restore from");
      }
      return rows;
    }
    // A deleted instance: the newest one of that name whose backups remain.
    List<BackupRow> all = cms.backups().listByName(name);
    BackupRow newest = newest(all, b -> true);
    if (newest == null) {
      throw new InvalidRequestException(
          "restore.from",
          "no backup with id '" + name + "' and no instance named '" + name + "' with backups");
    }
    return cms.backups().list(newest.instanceId());
  }

  private static void refuseUnusable(BackupRow b) {
    if (!BackupRow.COMPLETED.equals(b.status())) {
      throw new InvalidRequestException(
          "restore.from",
          "backup "
              + b.id()
              + " is "
              + b.status()
              + (b.error() != null ? " (" + b.error() + ")" : "")
              + "; restore from a completed backup");
    }
    if (!Boolean.TRUE.equals(b.verified())) {
      throw new InvalidRequestException(
          "restore.from",
          "backup " + b.id() + " failed verification (" + b.verifyError() + "); restore refused");
    }
  }

  private void checkTime(Instant time, RestoreWindow w, InstanceRecord source, BackupRow chosen) {
    Instant earliest = chosen != null ? chosen.finishedAt() : w.earliest();
    if (time.isBefore(earliest)) {
      throw new InvalidRequestException(
          "restore.to_time",
          "to_time " + time + " is before the earliest restorable point (" + earliest + ")");
    }
    // A live instance archives continuously: the data plane restores up to its last archived WAL
    // and refuses a target past it; a deleted one ends with its window.
    Instant latest = source.deletedAt() == null ? cms.databaseNow() : w.latest();
    if (time.isAfter(latest)) {
      throw new InvalidRequestException(
          "restore.to_time",
          "to_time " + time + " is after the latest restorable point (" + latest + ")");
    }
  }

  private void verify(BackupRow b) {
    List<String> problems = dataPlane.verifyBackup(b.k8sName(), b.id());
    String error = problems.isEmpty() ? null : String.join("; ", problems);
    cms.backups().verified(b.id(), error);
    if (error != null) {
      throw new InvalidRequestException(
          "restore.from",
          "backup " + b.id() + " failed verification (" + error + "); restore refused");
    }
  }

  private static Instant time(String s) {
    try {
      return OffsetDateTime.parse(s.strip()).toInstant();
    } catch (DateTimeParseException e) {
      throw new InvalidRequestException(
          "restore.to_time",
          "to_time must be an RFC 3339 time (e.g. 2026-11-30T10:15:00Z), was '" + s + "'");
    }
  }

  private static BackupRow newest(List<BackupRow> rows, java.util.function.Predicate<BackupRow> p) {
    return rows.stream()
        .filter(BackupRow::usable)
        .filter(p)
        .max(Comparator.comparing(BackupRow::finishedAt))
        .orElse(null);
  }

  private static BackupRow oldest(List<BackupRow> rows) {
    return rows.stream()
        .filter(BackupRow::usable)
        .min(Comparator.comparing(BackupRow::finishedAt))
        .orElseThrow();
  }
}
