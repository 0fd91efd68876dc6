package dev.toygres.postgres.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Ends every process of a server for good, whatever state it is in: a fast shutdown if the
 * postmaster can act on it, else (frozen by SIGSTOP, or too slow) SIGKILL; then SIGKILL for every
 * process left that is a postgres whose working directory is the data directory (a postmaster's
 * children keep running when it dies by SIGKILL, until they notice; PostgreSQL processes run in
 * their data directory). Never matches by name alone.
 */
public final class Terminator {

  private static final Duration SWEEP = Duration.ofSeconds(10);

  private Terminator() {}

  /**
   * Ends the server on {@code dataDir}; returns whether no process of it is left.
   *
   * @param dataDir the server's data directory
   * @param grace how long a fast shutdown may take before SIGKILL
   */
  public static boolean terminate(Path dataDir, Duration grace) {
    Path dir = dataDir.toAbsolutePath().normalize();
    PostmasterPid.read(dir)
        .map(PostmasterPid::pid)
        .filter(pid -> Processes.isPostgresFor(pid, dir))
        .ifPresent(
            pid -> {
              if (!Processes.isStopped(pid)) {
                Processes.signal(pid, "INT");
                Processes.awaitExit(pid, grace);
              }
              if (Processes.isPostgresFor(pid, dir)) {
                Processes.signal(pid, "KILL");
                Processes.awaitExit(pid, SWEEP);
              }
            });
    long deadline = System.nanoTime() + SWEEP.toNanos();
    while (true) {
      List<Long> left = processesIn(dir);
      if (left.isEmpty()) {
        return true;
      }
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      left.forEach(pid -> Processes.signal(pid, "KILL"));
      if (!Processes.sleep(Duration.ofMillis(50))) {
        return processesIn(dir).isEmpty();
      }
    }
  }

  /** Live postgres processes (by executable) whose working directory is {@code dir}. */
  public static List<Long> processesIn(Path dir) {
    List<Long> out = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.toList()) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        long pid = Long.parseLong(name);
        if (pid > 1 && isPostgresIn(p, dir) && Processes.isAlive(pid)) {
          out.add(pid);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("Cannot list /proc: " + e.getMessage(), e);
    }
    return out;
  }

  private static boolean isPostgresIn(Path proc, Path dir) {
    try {
      Path cwd = Files.readSymbolicLink(proc.resolve("cwd"));
      if (!Files.isSameFile(cwd, dir)) {
        return false;
      }
      String exe = Files.readSymbolicLink(proc.resolve("exe")).getFileName().toString();
      if (exe.equals("postgres") || exe.startsWith("postgres ")) {
        return true;
      }
      String cmdline =
          new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8);
      return cmdline.startsWith("postgres");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
