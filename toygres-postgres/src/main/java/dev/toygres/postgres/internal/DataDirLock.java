package dev.toygres.postgres.internal;

import dev.toygres.postgres.PostgresException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive OS file lock on {@code <dir>/lock}, held while a JVM owns the directory. The OS
 * releases it when the JVM dies, even by SIGKILL, so a server found running while the lock is free
 * was left behind.
 */
public final class DataDirLock implements AutoCloseable {

  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock without waiting.
   *
   * @throws PostgresException if another process or another owner in this JVM holds it
   */
  public static DataDirLock acquire(Path dir) {
    Path file = dir.resolve("lock");
    FileChannel channel = null;
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        throw new PostgresException(dir + " is in use by another process (" + file + " is locked)");
      }
      return new DataDirLock(channel, lock);
    } catch (OverlappingFileLockException e) {
      closeQuietly(channel);
      throw new PostgresException(dir + " is already in use in this JVM", e);
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel);
      throw e instanceof PostgresException p
          ? p
          : new PostgresException("Cannot lock " + file + ": " + e.getMessage(), e);
    }
  }

  /** Releases the lock; idempotent. */
  @Override
  public void close() {
    try {
      if (lock.isValid()) {
        lock.release();
      }
    } catch (IOException e) {
      // closing the channel below releases it anyway
    }
    closeQuietly(channel);
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      if (channel != null) {
        channel.close();
      }
    } catch (IOException e) {
      // nothing useful to do
    }
  }
}
