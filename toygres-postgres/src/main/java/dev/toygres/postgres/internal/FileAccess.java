package dev.toygres.postgres.internal;

import dev.toygres.postgres.OsUser;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Owners, modes and reachability of files, always read and changed without following symbolic
 * links.
 */
public final class FileAccess {

  /** rw------- */
  public static final Set<PosixFilePermission> OWNER_READ_WRITE =
      PosixFilePermissions.fromString("rw-------");

  /** rwx------ */
  public static final Set<PosixFilePermission> OWNER_ONLY_DIR =
      PosixFilePermissions.fromString("rwx------");

  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

  private FileAccess() {}

  /** The numeric owner of {@code path} itself. */
  public static int uid(Path path) throws IOException {
    return (Integer) Files.getAttribute(path, "unix:uid", NOFOLLOW);
  }

  /** The permission bits (including setuid, setgid and sticky) of {@code path} itself. */
  public static int mode(Path path) throws IOException {
    return (Integer) Files.getAttribute(path, "unix:mode", NOFOLLOW) & 07777;
  }

  /** Makes {@code user} (and its primary group) the owner of {@code path} itself. */
  static void chown(Path path, OsUser user) throws IOException {
    Files.setAttribute(path, "unix:uid", user.uid(), NOFOLLOW);
    Files.setAttribute(path, "unix:gid", user.gid(), NOFOLLOW);
  }

  /**
   * Creates {@code file} with mode 0600 if it does not exist, else sets its mode to 0600 (unless it
   * already is).
   */
  public static void createOwnerOnlyFile(Path file) throws IOException {
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE));
    } catch (FileAlreadyExistsException e) {
      // fixed below
    }
    restrict(file, OWNER_READ_WRITE);
  }

  /** Sets the permissions of {@code path} to {@code permissions} unless they already are. */
  public static void restrict(Path path, Set<PosixFilePermission> permissions) throws IOException {
    if (!Files.getPosixFilePermissions(path, NOFOLLOW).equals(permissions)) {
      Files.setPosixFilePermissions(path, permissions);
    }
  }
}
