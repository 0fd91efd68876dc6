package dev.toygres.postgres.internal;

import dev.toygres.postgres.PostgresException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * initdb and postgres refuse to run as root. When this JVM's effective uid is 0, every such command
 * is prefixed with {@code unshare --user --map-user=1000 --map-group=1000}: the program then runs
 * as uid 1000 inside a user namespace while its files stay owned by the real root. {@code unshare}
 * execs, so the launched process's pid is the program's pid.
 */
public final class RootWrapper {

  static final List<String> UNSHARE =
      List.of("unshare", "--user", "--map-user=1000", "--map-group=1000");

  private static volatile String probeFailure;
  private static volatile boolean probed;

  private RootWrapper() {}

  /**
   * Returns {@code command}, prefixed with the user-namespace wrapper when running as root.
   *
   * @throws PostgresException if running as root and the wrapper does not work on this machine
   */
  public static List<String> wrap(List<String> command) {
    if (!isRoot()) {
      return List.copyOf(command);
    }
    checkUsable();
    List<String> wrapped = new ArrayList<>(UNSHARE);
    wrapped.addAll(command);
    return List.copyOf(wrapped);
  }

  /** Whether this JVM's effective uid is 0 (read from /proc/self/status). */
  public static boolean isRoot() {
    try {
      return effectiveUid(Files.readString(Path.of("/proc/self/status"), StandardCharsets.UTF_8))
          == 0;
    } catch (IOException | RuntimeException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  /**
   * Parses the effective uid (second field of the "Uid:" line) of a /proc/PID/status text; -1 if
   * absent.
   */
  static long effectiveUid(String status) {
    return OsUsers.effectiveId(status, "Uid:");
  }

  private static synchronized void checkUsable() {
    if (!probed) {
      probeFailure = probe();
      probed = true;
    }
    if (probeFailure != null) {
      throw new PostgresException(
          "This JVM runs as root (effective uid 0), and PostgreSQL's initdb and "
              + "postgres refuse to run as root. toygres therefore runs them as uid 1000 inside a user "
              + "namespace via '"
              + String.join(" ", UNSHARE)
              + "', but that does not work here: "
              + probeFailure
              + ". Fix: run this JVM as an ordinary (non-root) user, or install util-linux's "
              + "'unshare' and enable unprivileged user namespaces (for example sysctl "
              + "kernel.unprivileged_userns_clone=1 and user.max_user_namespaces > 0; in a container, "
              + "allow the unshare/clone syscalls in its seccomp profile).");
    }
  }

  private static String probe() {
    List<String> command = new ArrayList<>(UNSHARE);
    command.add("true");
    try {
      Exec.Result result = Exec.run(command, Duration.ofSeconds(10));
      return result.ok()
          ? null
          : "'"
              + String.join(" ", command)
              + "' exited with "
              + result.exitCode()
              + ": "
              + result.output().strip();
    } catch (IOException | PostgresException e) {
      return "'" + String.join(" ", command) + "' could not be run: " + e.getMessage();
    }
  }
}
