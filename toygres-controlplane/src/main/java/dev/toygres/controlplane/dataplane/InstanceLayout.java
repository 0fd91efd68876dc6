package dev.toygres.controlplane.dataplane;

import dev.toygres.controlplane.fs.Reach;
import dev.toygres.postgres.OsUser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

/**
 * Who may enter what. Instance servers run as {@code runAs} (an unprivileged OS user, when the
 * control plane runs as root) or as the control plane's own user. The instances root and each
 * instance's directory are the control plane's: 0700, or 0711 when servers run as another user (so
 * a server can reach its own data directory, but list or read nothing of the control plane's). The
 * data directory and the socket directory belong to the server's user, 0700. Sockets live under a
 * short directory in /tmp ({@code /tmp/toygres-<hash of the instances root>}), since a socket path
 * may not exceed 107 bytes; that directory must be the control plane's own and not a link.
 */
final class InstanceLayout {
  private static final Set<PosixFilePermission> PRIVATE =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> TRAVERSE =
      PosixFilePermissions.fromString("rwx--x--x");

  private final Path root;
  private final OsUser runAs;
  private final Path socketRoot;

  InstanceLayout(Path root, OsUser runAs) {
    this.root = root;
    this.runAs = runAs;
    this.socketRoot = socketRootOf(root);
  }

  /**
   * Where the instances of a control plane with data directory {@code dataDir} live: {@code
   * <dataDir>/instances}, unless servers run as another OS user that cannot reach it (a data
   * directory under /root, which is 0700, say): then {@code /var/lib/toygres/instances-<hash of
   * dataDir>}.
   */
  static Path instancesRoot(Path dataDir, OsUser runAs) {
    Path dir = dataDir.toAbsolutePath().normalize();
    if (runAs == null
        || dir.getParent() == null
        || Reach.blocking(dir.getParent(), runAs) == null) {
      return dir.resolve("instances");
    }
    return Path.of("/var/lib/toygres", "instances-" + hash(dir.toString()));
  }

  /**
   * The backup store of a control plane with data directory {@code dataDir} whose servers' OS user
   * cannot reach that directory: {@code /var/lib/toygres/backups-<hash of dataDir>}.
   */
  static Path fallbackBackupRoot(Path dataDir) {
    return Path.of(
        "/var/lib/toygres", "backups-" + hash(dataDir.toAbsolutePath().normalize().toString()));
  }

  /** The OS user instance servers run as, or null for the control plane's own user. */
  OsUser runAs() {
    return runAs;
  }

  /** The socket root of the instances under {@code root} (absolute and normalized). */
  static Path socketRootOf(Path root) {
    return Path.of("/tmp", "toygres-" + hash(root.toString()));
  }

  Path socketRoot() {
    return socketRoot;
  }

  /** The socket directory of instance {@code k8sName} (created by the server's start). */
  Path socketDir(String k8sName) {
    return socketRoot.resolve(k8sName);
  }

  /** Creates the instances root, the instance's directory and the socket root, with their modes. */
  void prepare(InstanceDir dir) {
    Set<PosixFilePermission> mode = runAs == null ? PRIVATE : TRAVERSE;
    try {
      if (root.startsWith("/var/lib/toygres")) {
        directory(Path.of("/var/lib/toygres"), TRAVERSE);
      }
      directory(root, mode);
      directory(dir.path(), mode);
      ownDirectory(socketRoot, mode);
    } catch (IOException e) {
      throw new DataPlaneException(
          dir.path().getFileName().toString(),
          "prepare its directories",
          "Cannot prepare the directories of instance " + dir.path() + ": " + e,
          e);
    }
  }

  /** Removes the instance's socket directory (the server is stopped). */
  void removeSocketDir(String k8sName) {
    Path dir = socketDir(k8sName);
    try {
      if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        try (var files = Files.list(dir)) {
          for (Path f : files.toList()) {
            Files.deleteIfExists(f);
          }
        }
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      throw new DataPlaneException(
          k8sName,
          "remove its socket directory",
          "Cannot remove " + dir + ": " + e.getMessage(),
          e);
    }
  }

  private static void directory(Path dir, Set<PosixFilePermission> mode) throws IOException {
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, mode);
  }

  /**
   * Creates {@code dir} or checks that the existing one is a directory of this process's user and
   * not a link (someone else could have made it in /tmp to catch sockets), then sets its mode.
   */
  private static void ownDirectory(Path dir, Set<PosixFilePermission> mode) throws IOException {
    try {
      Files.createDirectory(dir);
    } catch (FileAlreadyExistsException exists) {
      if (Files.isSymbolicLink(dir) || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException(dir + " exists and is not a directory; remove it");
      }
      int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
      if (owner != OsUser.current().uid()) {
        throw new IOException(
            dir
                + " belongs to uid "
                + owner
                + ", not to this process; another user may have made it to intercept the"
                + " instances' sockets: remove it");
      }
    }
    Files.setPosixFilePermissions(dir, mode);
  }

  private static String hash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
