package dev.toygres.controlplane.cms;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What the primary's {@code pg_stat_archiver} and current WAL file said at one health check, as the
 * actor records it on the instance (docs/backups.md#the-archives-health). Times are the instance's
 * clock, {@code observedAt} included, so ages compare readings of one clock.
 *
 * @param archivedCount segments and files archived since the server's statistics began
 * @param lastArchivedWal the last file archived ({@code 000000010000000000000003}, or a {@code
 *     .history}, {@code .backup} or {@code .partial} file), null when none
 * @param failedCount failed archive attempts since the statistics began (they survive a later
 *     success)
 * @param currentWal the WAL file being written ({@code pg_walfile_name(pg_current_wal_lsn())}),
 *     null on a server in recovery
 * @param observedAt the instance's {@code now()} when it was read
 */
public record WalArchive(
    long archivedCount,
    String lastArchivedWal,
    Instant lastArchivedAt,
    long failedCount,
    String lastFailedWal,
    Instant lastFailedAt,
    String currentWal,
    Instant observedAt) {

  /** More finished segments than this waiting is {@link ArchiveStatus#LAGGING} at once. */
  public static final int LAGGING_SEGMENTS = 8;

  /**
   * The server's {@code archive_timeout}: a segment with any WAL in it is finished (and archived)
   * at most this long after the previous switch. Waiting twice as long is {@link
   * ArchiveStatus#LAGGING}.
   */
  public static final Duration ARCHIVE_TIMEOUT = Duration.ofSeconds(60);

  /** WAL segments per log file, for the default 16 MB segments the data plane's initdb makes. */
  static final long SEGMENTS_PER_LOG = 0x1_0000_0000L / (16L * 1024 * 1024);

  public WalArchive {
    if (archivedCount < 0 || failedCount < 0) {
      throw new IllegalArgumentException(
          "archive counts must not be negative, were " + archivedCount + " and " + failedCount);
    }
    Objects.requireNonNull(observedAt, "observedAt");
  }

  /**
   * How many finished WAL segments wait to be archived: the segments between the last archived one
   * and the one being written (which cannot be archived until it is finished), 0 when none. Null
   * when it cannot be told: nothing archived yet, no current file (a server in recovery), or a last
   * archived file that names no segment (a timeline's {@code .history}).
   */
  public Long lagSegments() {
    Long last = segment(lastArchivedWal);
    Long current = segment(currentWal);
    if (last == null || current == null) {
      return null;
    }
    return Math.max(0, current - last - 1);
  }

  /** How long before {@link #observedAt} the last file was archived; null when none was. */
  public Duration lastSuccessAge() {
    return lastArchivedAt == null ? null : Duration.between(lastArchivedAt, observedAt);
  }

  /**
   * {@link ArchiveStatus#FAILING} when an attempt failed after the last success (or with none),
   * {@link ArchiveStatus#NONE} when nothing is archived yet, {@link ArchiveStatus#LAGGING} when
   * more than {@link #LAGGING_SEGMENTS} finished segments wait, or some wait while the last success
   * is older than twice {@link #ARCHIVE_TIMEOUT}; {@link ArchiveStatus#OK} otherwise.
   */
  public ArchiveStatus status() {
    boolean failedSince =
        failedCount > 0
            && lastFailedAt != null
            && (lastArchivedAt == null || lastFailedAt.isAfter(lastArchivedAt));
    if (failedSince) {
      return ArchiveStatus.FAILING;
    }
    if (lastArchivedWal == null) {
      return ArchiveStatus.NONE;
    }
    Long lag = lagSegments();
    if (lag == null || lag == 0) {
      return ArchiveStatus.OK;
    }
    boolean stale = lastSuccessAge().compareTo(ARCHIVE_TIMEOUT.multipliedBy(2)) > 0;
    return lag > LAGGING_SEGMENTS || stale ? ArchiveStatus.LAGGING : ArchiveStatus.OK;
  }

  /**
   * The segment number a WAL file name stands for, counted across timelines (a promotion keeps
   * counting where the old timeline stopped): log × segments per log + segment, from the name's
   * last 16 of its first 24 hex digits. Null for null or a name that is no segment.
   */
  static Long segment(String walFile) {
    if (walFile == null || walFile.length() < 24) {
      return null;
    }
    String name = walFile.substring(0, 24);
    if (walFile.length() > 24 && walFile.charAt(24) != '.') {
      return null;
    }
    for (int i = 0; i < 24; i++) {
      if (Character.digit(name.charAt(i), 16) < 0) {
        return null;
      }
    }
    long log = Long.parseLong(name.substring(8, 16), 16);
    long seg = Long.parseLong(name.substring(16, 24), 16);
    return log * SEGMENTS_PER_LOG + seg;
  }
}
