package dev.toygres.postgres.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Extracts binary archives into a cache directory exactly once: into a temp directory first, then
 * renamed into place, under a file lock so that several JVMs (and threads) can do it at the same
 * time.
 */
final class BinaryCache {

  /** Opens the archive to extract. */
  interface Source {
    InputStream open() throws IOException;
  }

  static final String CACHE_DIR_PROPERTY = "toygres.postgres.cacheDir";
  static final String CACHE_DIR_ENV = "TOYGRES_POSTGRES_CACHE_DIR";

  private BinaryCache() {}

  /**
   * The cache root: system property, else environment variable, else ~/.cache/toygres/postgres, or,
   * for root, /var/cache/toygres/postgres (root's home is private, and servers that run as an
   * unprivileged user must be able to execute the binaries).
   */
  static Path root() {
    String configured = System.getProperty(CACHE_DIR_PROPERTY);
    if (configured == null || configured.isBlank()) {
      configured = System.getenv(CACHE_DIR_ENV);
    }
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    if (RootWrapper.isRoot()) {
      return Path.of("/var/cache/toygres/postgres");
    }
    return Path.of(System.getProperty("user.home"), ".cache", "toygres", "postgres");
  }

  /**
   * Returns {@code root/name}, extracting {@code source} into it first if it does not exist yet. A
   * directory counts as complete when it has a {@code bin} subdirectory (it only appears by
   * rename).
   */
  static synchronized Path ensureExtracted(Path root, String name, Source source)
      throws IOException {
    Path target = root.resolve(name);
    if (Files.isDirectory(target.resolve("bin"))) {
      return target;
    }
    Files.createDirectories(root);
    try (FileChannel channel =
        FileChannel.open(
            root.resolve(name + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      FileLock lock = channel.lock();
      try {
        return extractLocked(target, name, source);
      } finally {
        lock.release();
      }
    }
  }

  private static Path extractLocked(Path target, String name, Source source) throws IOException {
    if (Files.isDirectory(target.resolve("bin"))) {
      return target;
    }
    deleteRecursively(target);
    Path temp = Files.createTempDirectory(target.getParent(), name + ".tmp-");
    try {
      try (InputStream in = source.open()) {
        TxzExtractor.extract(in, temp);
      }
      if (!Files.isDirectory(temp.resolve("bin"))) {
        throw new IOException("archive for " + name + " has no bin/ directory");
      }
      Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      deleteRecursively(temp);
    }
    return target;
  }

  /** Deletes a directory tree without following symlinks; does nothing if it does not exist. */
  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
