package dev.toygres.postgres.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Looks at and signals processes by pid through /proc and the kill command. Never matches by name.
 */
public final class Processes {

  private Processes() {}

  /** Whether process {@code pid} exists and is not a zombie. */
  public static boolean isAlive(long pid) {
    try {
      String stat =
          Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
      // Format: "pid (comm) S ..." where comm may contain spaces and parentheses.
      String afterComm = stat.substring(stat.lastIndexOf(')') + 1).trim();
      char state = afterComm.isEmpty() ? 'X' : afterComm.charAt(0);
      return state != 'Z' && state != 'X';
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** Whether process {@code pid} is stopped (by SIGSTOP or a tracer). */
  public static boolean isStopped(long pid) {
    try {
      String stat =
          Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
      String afterComm = stat.substring(stat.lastIndexOf(')') + 1).trim();
      return !afterComm.isEmpty() && (afterComm.charAt(0) == 'T' || afterComm.charAt(0) == 't');
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * Whether process {@code pid} is alive and is a postgres server (its argv[0] is named "postgres")
   * running on {@code dataDir} (its "-D" argument resolves to the same directory).
   */
  public static boolean isPostgresFor(long pid, Path dataDir) {
    if (pid <= 0 || !isAlive(pid)) {
      return false;
    }
    Path proc = Path.of("/proc", Long.toString(pid));
    try {
      byte[] raw = Files.readAllBytes(proc.resolve("cmdline"));
      List<String> args = Arrays.asList(new String(raw, StandardCharsets.UTF_8).split("\0"));
      if (args.isEmpty() || !Path.of(args.get(0)).getFileName().toString().equals("postgres")) {
        return false;
      }
      int d = args.indexOf("-D");
      if (d < 0 || d + 1 >= args.size()) {
        return false;
      }
      Path arg = Path.of(args.get(d + 1));
      Path resolved =
          arg.isAbsolute() ? arg : Files.readSymbolicLink(proc.resolve("cwd")).resolve(arg);
      return sameDirectory(resolved, dataDir);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * Sends {@code signal} (a name such as "INT") to {@code pid} with the kill command; false if that
   * failed.
   */
  public static boolean signal(long pid, String signal) {
    if (pid <= 1) {
      throw new IllegalArgumentException("refusing to signal pid " + pid);
    }
    boolean sent;
    try {
      sent =
          Exec.run(List.of("kill", "-" + signal, Long.toString(pid)), Duration.ofSeconds(10)).ok();
    } catch (IOException | RuntimeException e) {
      sent = false;
    }
    if (!sent && signal.equals("KILL")) { // no usable kill command: Java can send SIGKILL itself
      sent = ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly).orElse(false);
    }
    return sent;
  }

  /** Polls until {@code pid} is gone or {@code timeout} elapsed; returns whether it is gone. */
  public static boolean awaitExit(long pid, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (isAlive(pid)) {
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      if (!sleep(Duration.ofMillis(50))) {
        return !isAlive(pid);
      }
    }
    return true;
  }

  /** Sleeps; returns false (with the interrupt flag set again) if interrupted. */
  public static boolean sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static boolean sameDirectory(Path a, Path b) {
    try {
      return Files.isSameFile(a, b);
    } catch (IOException e) {
      return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }
  }
}
