package dev.toygres.postgres.internal;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * Extracts a tar.xz stream into a directory, keeping symlinks and permission bits, rejecting
 * escapes.
 */
final class TxzExtractor {

  private static final PosixFilePermission[] BITS = {
    PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
        PosixFilePermission.OTHERS_READ,
    PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
        PosixFilePermission.GROUP_READ,
    PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
        PosixFilePermission.OWNER_READ,
  };

  private TxzExtractor() {}

  /** Extracts {@code txz} (not closed) into the existing directory {@code target}. */
  static void extract(InputStream txz, Path target) throws IOException {
    Path root = target.toAbsolutePath().normalize();
    TarArchiveInputStream tar =
        new TarArchiveInputStream(new XZCompressorInputStream(new BufferedInputStream(txz)));
    TarArchiveEntry entry;
    while ((entry = tar.getNextEntry()) != null) {
      Path path = inside(root, entry.getName());
      if (entry.isDirectory()) {
        Files.createDirectories(path);
      } else if (entry.isSymbolicLink()) {
        Path link = Path.of(entry.getLinkName());
        if (link.isAbsolute() || !path.getParent().resolve(link).normalize().startsWith(root)) {
          throw new IOException(
              "symlink escapes the target directory: " + entry.getName() + " -> " + link);
        }
        Files.createDirectories(path.getParent());
        Files.deleteIfExists(path);
        Files.createSymbolicLink(path, link);
      } else if (entry.isLink()) {
        Files.createDirectories(path.getParent());
        Files.deleteIfExists(path);
        Files.createLink(path, inside(root, entry.getLinkName()));
      } else if (entry.isFile()) {
        Files.createDirectories(path.getParent());
        Files.copy(tar, path, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(path, permissions(entry.getMode()));
      }
    }
  }

  /**
   * Converts the low nine bits of a Unix mode to permissions, keeping at least owner read and
   * write.
   */
  static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> result =
        EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    for (int bit = 0; bit < BITS.length; bit++) {
      if ((mode & (1 << bit)) != 0) {
        result.add(BITS[bit]);
      }
    }
    return result;
  }

  private static Path inside(Path root, String name) throws IOException {
    Path path = root.resolve(name).normalize();
    if (!path.startsWith(root)) {
      throw new IOException("archive entry escapes the target directory: " + name);
    }
    return path;
  }
}
