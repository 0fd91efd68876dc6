package dev.toygres.controlplane.fs;

import dev.toygres.postgres.OsUser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/** Whether an OS user can search its way to a directory. */
public final class Reach {
  private Reach() {}

  /** The first directory from {@code dir} up that {@code user} cannot search, or null. */
  public static Path blocking(Path dir, OsUser user) {
    for (Path p = dir; p != null; p = p.getParent()) {
      try {
        int uid = (Integer) Files.getAttribute(p, "unix:uid");
        int gid = (Integer) Files.getAttribute(p, "unix:gid");
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
        PosixFilePermission x =
            uid == user.uid()
                ? PosixFilePermission.OWNER_EXECUTE
                : gid == user.gid()
                    ? PosixFilePermission.GROUP_EXECUTE
                    : PosixFilePermission.OTHERS_EXECUTE;
        if (!perms.contains(x)) {
          return p;
        }
      } catch (IOException | UnsupportedOperationException e) {
        return p;
      }
    }
    return null;
  }
}
