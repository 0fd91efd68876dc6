package dev.toygres.postgres.internal;

import dev.toygres.postgres.OsUser;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
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
   * Makes {@code user} the owner of everything under {@code root}, without following symbolic links
   * (a link itself changes owner, not its target). {@code root} is changed last, so a tree whose
   * root belongs to {@code user} was changed completely.
   */
  static void chownTree(Path root, OsUser user) throws IOException {
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            chown(file, user);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException failure)
              throws IOException {
            if (failure != null) {
              throw failure;
            }
            chown(dir, user);
            return FileVisitResult.CONTINUE;
          }
        });
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

  /**
   * The first directory, from "/" down to {@code dir} itself, that {@code user} cannot search (pass
   * through): checked along the path as given and along its real path (where symbolic links lead).
   * Only the user's uid and primary gid count, as servers run without supplementary groups.
   *
   * @return the blocking directory, or empty if {@code user} can reach {@code dir}
   */
  static Optional<Path> firstUnsearchable(Path dir, OsUser user) throws IOException {
    if (user.isRoot()) {
      return Optional.empty();
    }
    Set<Path> chain = new LinkedHashSet<>(withAncestors(dir.toAbsolutePath().normalize()));
    chain.addAll(withAncestors(dir.toRealPath()));
    for (Path path : chain) {
      if (Files.isDirectory(path, NOFOLLOW) && !canExecute(path, user)) {
        return Optional.of(path);
      }
    }
    return Optional.empty();
  }

  /**
   * Whether {@code user} has the execute (for a directory: search) bit that applies to it on {@code
   * path} itself.
   */
  static boolean canExecute(Path path, OsUser user) throws IOException {
    if (user.isRoot()) {
      return true;
    }
    int mode = mode(path);
    int gid = (Integer) Files.getAttribute(path, "unix:gid", NOFOLLOW);
    if (uid(path) == user.uid()) {
      return (mode & 0100) != 0;
    }
    return gid == user.gid() ? (mode & 010) != 0 : (mode & 01) != 0;
  }

  private static List<Path> withAncestors(Path path) {
    List<Path> chain = new ArrayList<>();
    for (Path p = path; p != null; p = p.getParent()) {
      chain.add(0, p);
    }
    return chain;
  }
}
