package dev.toygres.postgres.internal;

import dev.toygres.postgres.OsUser;
import dev.toygres.postgres.PostgresException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Makes a server's Unix socket directory private: a real directory (not a symbolic link), owned by
 * the server's OS user, mode 0700, so that no other local user can reach the socket, nor put a
 * socket of its own in its place.
 */
final class SocketDirectory {

  private SocketDirectory() {}

  /**
   * Creates {@code dir} if missing and gives it to {@code owner} with mode 0700, fixing owner and
   * mode where this JVM may (as root, or as the directory's owner).
   *
   * @throws PostgresException if {@code dir} is a symbolic link or not a directory, or belongs to
   *     someone else and this JVM cannot change that
   */
  static void prepare(Path dir, OsUser owner) throws IOException {
    refuseLink(dir);
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectories(dir.getParent());
      try {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(FileAccess.OWNER_ONLY_DIR));
      } catch (FileAlreadyExistsException e) {
        refuseLink(dir); // created meanwhile by someone else: checked below like any other
      }
    }
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new PostgresException("The Unix socket directory " + dir + " is not a directory");
    }
    OsUser me = OsUsers.current();
    int uid = FileAccess.uid(dir);
    if (uid != owner.uid()) {
      if (!me.isRoot()) {
        throw new PostgresException(
            "The Unix socket directory "
                + dir
                + " belongs to uid "
                + uid
                + ", not to "
                + owner.name()
                + " (uid "
                + owner.uid()
                + ") that the server runs as, and this JVM ("
                + me.name()
                + ") cannot change that. Use another directory, or give it to uid "
                + owner.uid()
                + " with mode 0700.");
      }
      FileAccess.chown(dir, owner);
    }
    if (FileAccess.mode(dir) != 0700) {
      if (!me.isRoot() && me.uid() != owner.uid()) {
        throw new PostgresException(
            "The Unix socket directory "
                + dir
                + " has mode "
                + Integer.toOctalString(FileAccess.mode(dir))
                + " instead of 0700, and this JVM ("
                + me.name()
                + ") cannot change that.");
      }
      FileAccess.restrict(dir, FileAccess.OWNER_ONLY_DIR);
    }
  }

  private static void refuseLink(Path dir) {
    if (Files.isSymbolicLink(dir)) {
      throw new PostgresException(
          "The Unix socket directory "
              + dir
              + " is a symbolic link; refusing to use it (it could lead anywhere). Give the real "
              + "directory instead.");
    }
  }
}
