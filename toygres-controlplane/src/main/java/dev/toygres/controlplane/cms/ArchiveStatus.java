package dev.toygres.controlplane.cms;

/**
 * How an instance's WAL archiving stands (docs/backups.md#the-archives-health), judged by {@link
 * WalArchive#status()}.
 */
public enum ArchiveStatus {
  /** Every finished segment is archived, or the few waiting are recent. */
  OK("ok"),
  /** Finished segments wait: too many, or for too long since the last success. */
  LAGGING("lagging"),
  /** The archive command failed after its last success (or has never succeeded). */
  FAILING("failing"),
  /** Nothing archived yet (archiving off, or not started since the server's statistics began). */
  NONE("none");

  private final String dbName;

  ArchiveStatus(String dbName) {
    this.dbName = dbName;
  }

  /** The status as the API, CLI and metrics spell it. */
  public String dbName() {
    return dbName;
  }
}
