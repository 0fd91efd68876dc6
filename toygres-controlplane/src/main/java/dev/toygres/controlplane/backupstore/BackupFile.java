package dev.toygres.controlplane.backupstore;

import java.util.Objects;

/**
 * One file of a base backup, as its manifest records it.
 *
 * @param path its path relative to the backup's {@code data/} directory, with {@code /}
 * @param size its size in bytes
 * @param sha256 its SHA-256, lower-case hex
 */
public record BackupFile(String path, long size, String sha256) {
  public BackupFile {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(sha256, "sha256");
    if (path.startsWith("/") || path.contains("..") || size < 0) {
      throw new IllegalArgumentException("not a backup file entry: " + path + " " + size);
    }
  }
}
