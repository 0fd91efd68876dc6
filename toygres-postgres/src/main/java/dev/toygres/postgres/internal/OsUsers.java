package dev.toygres.postgres.internal;

import dev.toygres.postgres.OsUser;
import dev.toygres.postgres.PostgresException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Looks up OS users (getent, else /etc/passwd) and creates system users (useradd). */
public final class OsUsers {

  private static final Logger LOG = LoggerFactory.getLogger(OsUsers.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Path PASSWD = Path.of("/etc/passwd");
  private static final List<Path> USERADD =
      List.of(Path.of("/usr/sbin/useradd"), Path.of("/sbin/useradd"), Path.of("/usr/bin/useradd"));
  private static final int USERADD_ATTEMPTS = 3;

  /**
   * Where JVMs creating users take turns. useradd checks that the name is free before it locks the
   * passwd files, and then updates the entry of that name in place: two racing useradds of one name
   * both succeed, and the second one's uid replaces the first's (a server started by the first JVM
   * would then run as a uid no longer in /etc/passwd). Its own lock (/etc/.pwd.lock) cannot be held
   * around it: useradd takes that lock itself. The first directory that exists is used, so every
   * JVM on the machine agrees on it.
   */
  private static final List<Path> LOCK_DIRECTORIES =
      List.of(Path.of("/run/lock"), Path.of("/var/lock"), Path.of("/tmp"));

  private static final String LOCK_FILE = "toygres-useradd.lock";

  private static volatile OsUser current;

  private OsUsers() {}

  /** The user with this JVM's effective uid and gid (looked up once: they do not change). */
  public static OsUser current() {
    OsUser user = current;
    if (user == null) {
      user = lookupCurrent();
      current = user;
    }
    return user;
  }

  private static OsUser lookupCurrent() {
    String status;
    try {
      status = Files.readString(Path.of("/proc/self/status"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new PostgresException("Cannot read /proc/self/status: " + e.getMessage(), e);
    }
    int uid = effectiveId(status, "Uid:");
    int gid = effectiveId(status, "Gid:");
    if (uid < 0 || gid < 0) {
      throw new PostgresException("/proc/self/status has no Uid:/Gid: lines");
    }
    String name = lookup(Integer.toString(uid), u -> u.uid() == uid).map(OsUser::name).orElse(null);
    return new OsUser(name != null ? name : Integer.toString(uid), uid, gid);
  }

  /** The user named {@code name}, if it exists. */
  public static Optional<OsUser> find(String name) {
    return lookup(name, u -> u.name().equals(name));
  }

  /** Returns the user, creating it with useradd first (as root) if it does not exist. */
  public static synchronized OsUser ensureSystemUser(String name) {
    Optional<OsUser> found = find(name);
    if (found.isPresent()) {
      return found.get();
    }
    OsUser me = current();
    if (!me.isRoot()) {
      throw new PostgresException(
          "The OS user '"
              + name
              + "' does not exist, and only root can create it, but this JVM runs as "
              + me.name()
              + " (uid "
              + me.uid()
              + "). Create it (useradd --system --user-group --no-create-home --home-dir "
              + "/nonexistent --shell /usr/sbin/nologin "
              + name
              + ") or run as root.");
    }
    Path useradd =
        USERADD.stream()
            .filter(Files::isExecutable)
            .findFirst()
            .orElseThrow(
                () ->
                    new PostgresException(
                        "Cannot create the OS user '"
                            + name
                            + "': useradd is not installed (looked for "
                            + USERADD
                            + "); install the passwd package (shadow-utils)."));
    Path lockFile = lockFile();
    try (FileChannel channel =
            FileChannel.open(
                lockFile,
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS);
        FileLock ignored = channel.lock()) {
      // Another JVM may have created it while this one waited for the lock.
      Optional<OsUser> existing = find(name);
      if (existing.isPresent()) {
        return existing.get();
      }
      return useradd(useradd, name);
    } catch (IOException e) {
      throw new PostgresException(
          "Cannot lock " + lockFile + " to create the OS user '" + name + "': " + e.getMessage(),
          e);
    }
  }

  private static Path lockFile() {
    return LOCK_DIRECTORIES.stream()
        .filter(Files::isDirectory)
        .findFirst()
        .orElse(LOCK_DIRECTORIES.get(LOCK_DIRECTORIES.size() - 1))
        .resolve(LOCK_FILE);
  }

  private static OsUser useradd(Path useradd, String name) {
    List<String> command =
        List.of(
            useradd.toString(),
            "--system",
            "--user-group",
            "--no-create-home",
            "--home-dir",
            "/nonexistent",
            "--shell",
            "/usr/sbin/nologin",
            name);
    String failure = null;
    for (int attempt = 1; attempt <= USERADD_ATTEMPTS; attempt++) {
      Exec.Result result;
      try {
        result = Exec.run(command, TIMEOUT);
      } catch (IOException e) {
        throw new PostgresException(
            "Cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
      }
      // Something other than a Toygres JVM may have created the user meanwhile (useradd then
      // fails: the name is taken, or /etc/passwd is locked), so look again whatever the outcome.
      Optional<OsUser> created = find(name);
      if (created.isPresent()) {
        if (result.ok()) {
          LOG.info("Created the OS system user {} (uid {})", name, created.get().uid());
        } else {
          LOG.info(
              "useradd {} failed ({}), but the user exists now: created concurrently",
              name,
              result.output().strip());
        }
        return created.get();
      }
      failure = "exit code " + result.exitCode() + ": " + result.output().strip();
      Processes.sleep(Duration.ofMillis(200L * attempt));
    }
    throw new PostgresException(
        "Cannot create the OS user '"
            + name
            + "': '"
            + String.join(" ", command)
            + "' failed with "
            + failure);
  }

  /**
   * Parses one passwd line ({@code name:password:uid:gid:gecos:home:shell}); empty if malformed.
   */
  static Optional<OsUser> parsePasswd(String line) {
    String[] fields = line.strip().split(":", -1);
    if (fields.length < 4) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new OsUser(fields[0], Integer.parseInt(fields[2]), Integer.parseInt(fields[3])));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * The effective id (second field) of a "Uid:" or "Gid:" line of a /proc/PID/status text; -1 if
   * absent.
   */
  static int effectiveId(String status, String field) {
    for (String line : status.split("\n")) {
      if (line.startsWith(field)) {
        return Integer.parseInt(line.substring(field.length()).trim().split("\\s+")[1]);
      }
    }
    return -1;
  }

  private static Optional<OsUser> lookup(String key, Predicate<OsUser> matches) {
    try {
      Exec.Result result = Exec.run(List.of("getent", "passwd", key), TIMEOUT);
      if (result.exitCode() == 2) {
        return Optional.empty(); // getent: key not found
      }
      if (result.ok()) {
        return firstMatch(result.output().lines().toList(), matches);
      }
      LOG.debug("getent passwd {} exited with {}; reading {}", key, result.exitCode(), PASSWD);
    } catch (IOException e) {
      LOG.debug("getent is not available ({}); reading {}", e.getMessage(), PASSWD);
    }
    try {
      return firstMatch(Files.readAllLines(PASSWD, StandardCharsets.UTF_8), matches);
    } catch (IOException e) {
      throw new PostgresException("Cannot read " + PASSWD + ": " + e.getMessage(), e);
    }
  }

  private static Optional<OsUser> firstMatch(List<String> lines, Predicate<OsUser> matches) {
    return lines.stream()
        .map(OsUsers::parsePasswd)
        .flatMap(Optional::stream)
        .filter(matches)
        .findFirst();
  }
}
