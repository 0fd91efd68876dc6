package dev.toygres.controlplane.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the data directory and the secrets in it private to the user the server runs as: the
 * directory 0700 (0711 when the server runs as root, so that instance servers running as another OS
 * user can reach their own directories below it, though nobody else can list or read it), the admin
 * token and secret key 0600. Wider modes found at start are narrowed, with a warning. On a file
 * system without POSIX modes nothing is done.
 */
final class PrivateFiles {
  private static final Logger LOG = LoggerFactory.getLogger(PrivateFiles.class);
  static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
  static final Set<PosixFilePermission> DIR_AS_ROOT = PosixFilePermissions.fromString("rwx--x--x");
  static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

  private PrivateFiles() {}

  /** Creates the data directory (and its parents) if missing, and gives it its mode. */
  static void dataDir(Path dir, boolean asRoot) throws IOException {
    Set<PosixFilePermission> wanted = asRoot ? DIR_AS_ROOT : DIR;
    if (Files.notExists(dir)) {
      Files.createDirectories(dir);
      setMode(dir, wanted, null);
      return;
    }
    restrict(dir, wanted, asRoot);
  }

  /** Narrows an existing file to 0600 if others or its group may use it; a missing file is fine. */
  static void secretFile(Path file) throws IOException {
    if (Files.exists(file)) {
      restrict(file, FILE, false);
    }
  }

  private static void restrict(Path path, Set<PosixFilePermission> wanted, boolean exact)
      throws IOException {
    Set<PosixFilePermission> current;
    try {
      current = Files.getPosixFilePermissions(path);
    } catch (UnsupportedOperationException noPosix) {
      return;
    }
    Set<PosixFilePermission> extra = EnumSet.noneOf(PosixFilePermission.class);
    extra.addAll(current);
    extra.removeAll(wanted);
    if (!extra.isEmpty()) {
      setMode(path, wanted, current);
    } else if (exact && !current.equals(wanted)) {
      setMode(path, wanted, null);
    }
  }

  /** Sets the mode; if {@code wider} is given, warns that it was that. */
  private static void setMode(
      Path path, Set<PosixFilePermission> mode, Set<PosixFilePermission> wider) {
    try {
      Files.setPosixFilePermissions(path, mode);
      if (wider != null) {
        LOG.warn(
            "{} had mode {}, open to other users; changed it to {}",
            path,
            octal(wider),
            octal(mode));
      }
    } catch (UnsupportedOperationException noPosix) {
      // no modes to set on this file system
    } catch (IOException e) {
      if (wider != null) {
        LOG.warn(
            "{} is open to other users (mode {}) and cannot be changed to {}: {}",
            path,
            octal(wider),
            octal(mode),
            e.toString());
      } else {
        LOG.warn("cannot set mode {} on {}: {}", octal(mode), path, e.toString());
      }
    }
  }

  /** {@code 0755} and the like. */
  static String octal(Set<PosixFilePermission> mode) {
    int bits = 0;
    for (PosixFilePermission p : mode) {
      bits |= 1 << (8 - p.ordinal());
    }
    return String.format("0%o", bits);
  }
}
