package dev.toygres.postgres.internal;

import dev.toygres.postgres.OsUser;
import dev.toygres.postgres.PostgresException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares a server's files before initdb and launch: the data directory of a run-as user (created
 * or taken over), what that user must be able to reach, the socket directory and the log file.
 */
final class ServerFiles {

  private static final Logger LOG = LoggerFactory.getLogger(ServerFiles.class);

  private ServerFiles() {}

  /**
   * Prepares {@code spec}'s files.
   *
   * @throws PostgresException if the run-as user cannot reach what it needs, or the socket
   *     directory is unsafe
   */
  static void prepare(ServerSpec spec) throws IOException {
    OsUser runAs = spec.runAs();
    if (runAs != null) {
      prepareDataDir(spec.dataDir(), runAs);
      checkReachable(spec.dataDir(), runAs, "data directory");
      checkReachable(spec.binDir(), runAs, "PostgreSQL binaries");
      for (String program : new String[] {"initdb", "postgres"}) {
        Path executable = spec.binDir().resolve(program).toRealPath();
        if (!FileAccess.canExecute(executable, runAs)) {
          throw new PostgresException(
              executable + " is not executable by the OS user " + describe(runAs));
        }
      }
    }
    if (spec.socketDir() != null) {
      SocketDirectory.prepare(spec.socketDir(), spec.owner());
      if (runAs != null) {
        checkReachable(spec.socketDir(), runAs, "Unix socket directory");
      }
    }
    Path logParent = spec.logFile().getParent();
    if (logParent != null) {
      Files.createDirectories(logParent);
    }
    // The server appends through a descriptor opened by this JVM, so the log stays this JVM's.
    FileAccess.createOwnerOnlyFile(spec.logFile());
  }

  /**
   * Creates the data directory (mode 0700) for {@code user}, or gives an existing one (for example
   * initialized while servers ran as this JVM's user) to {@code user} with everything in it.
   */
  private static void prepareDataDir(Path dataDir, OsUser user) throws IOException {
    if (!Files.exists(dataDir, LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectories(dataDir.getParent());
      Files.createDirectory(
          dataDir, PosixFilePermissions.asFileAttribute(FileAccess.OWNER_ONLY_DIR));
      FileAccess.chown(dataDir, user);
      FileAccess.restrict(dataDir, FileAccess.OWNER_ONLY_DIR);
      return;
    }
    Path real = dataDir.toRealPath();
    int owner = FileAccess.uid(real);
    if (owner != user.uid()) {
      LOG.warn(
          "Data directory {} belongs to uid {}, but the server now runs as {}: giving it and "
              + "everything in it to that user",
          real,
          owner,
          describe(user));
      FileAccess.chownTree(real, user);
      LOG.info("Data directory {} now belongs to {}", real, describe(user));
    }
    if (!InitDb.isInitialized(real)) {
      FileAccess.restrict(real, FileAccess.OWNER_ONLY_DIR);
    }
  }

  private static void checkReachable(Path dir, OsUser user, String what) throws IOException {
    Optional<Path> blocked = FileAccess.firstUnsearchable(dir, user);
    if (blocked.isPresent()) {
      Path b = blocked.get();
      throw new PostgresException(
          "The OS user "
              + describe(user)
              + " cannot reach the "
              + what
              + " "
              + dir
              + ": it may not enter "
              + b
              + " (owner uid "
              + FileAccess.uid(b)
              + ", mode "
              + String.format("%04o", FileAccess.mode(b))
              + "). Make every directory on the way searchable by it, for example chmod 0711 "
              + b
              + (what.equals("PostgreSQL binaries")
                  ? ", or have the binaries extracted elsewhere (system property "
                      + BinaryCache.CACHE_DIR_PROPERTY
                      + " or environment variable "
                      + BinaryCache.CACHE_DIR_ENV
                      + ")"
                  : "")
              + ".");
    }
  }

  private static String describe(OsUser user) {
    return user.name() + " (uid " + user.uid() + ")";
  }
}
