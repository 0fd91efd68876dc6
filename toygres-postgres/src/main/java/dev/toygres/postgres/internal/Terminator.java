package dev.toygres.postgres.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Ends every process of a server for good, whatever state it is in: a fast shutdown if the
 * postmaster can act on it, else (frozen by SIGSTOP, or too slow) SIGKILL; then SIGKILL for every
 * process left that works in the data directory and is either a postgres or in the session of one
 * (a postmaster's children keep running when it dies by SIGKILL, until they notice; PostgreSQL
 * processes run in their data directory; the shell and programs of an {@code archive_command} or
 * {@code restore_command} run there too, in the postmaster's session, and outlive the archiver).
 * Never matches by name alone, and never a process of this JVM's own session.
 */
public final class Terminator {

  private static final Duration SWEEP = Duration.ofSeconds(10);
  private static final long OWN_SESSION = session(Path.of("/proc/self"));

  private Terminator() {}

  /**
   * Ends the server on {@code dataDir}; returns whether no process of it is left.
   *
   * @param dataDir the server's data directory
   * @param grace how long a fast shutdown may take before SIGKILL
   */
  public static boolean terminate(Path dataDir, Duration grace) {
    Path dir = dataDir.toAbsolutePath().normalize();
    // The sessions are learnt before anything dies: an archive_command's shell outlives the
    // archiver that would otherwise tell which session it belongs to.
    Set<Long> sessions = new HashSet<>();
    processesIn(dir, sessions);
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
      List<Long> left = processesIn(dir, sessions);
      if (left.isEmpty()) {
        return true;
      }
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      left.forEach(pid -> Processes.signal(pid, "KILL"));
      if (!Processes.sleep(Duration.ofMillis(50))) {
        return processesIn(dir, sessions).isEmpty();
      }
    }
  }

  /**
   * Live processes of the server on {@code dir}: those whose working directory is {@code dir} and
   * that are postgres (by executable), or in the session of such a process.
   */
  public static List<Long> processesIn(Path dir) {
    return processesIn(dir, new HashSet<>());
  }

  /**
   * As {@link #processesIn(Path)}, also counting processes in {@code sessions}, to which it adds
   * the sessions of the postgres processes it finds.
   */
  private static List<Long> processesIn(Path dir, Set<Long> sessions) {
    List<Long> out = new ArrayList<>();
    Map<Long, Long> others = new HashMap<>(); // pid -> session, of non-postgres processes in dir
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.toList()) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        long pid = Long.parseLong(name);
        if (pid <= 1 || !worksIn(p, dir) || !Processes.isAlive(pid)) {
          continue;
        }
        long session = session(p);
        if (isPostgres(p)) {
          out.add(pid);
          if (session > 0) {
            sessions.add(session);
          }
        } else if (session > 0) {
          others.put(pid, session);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("Cannot list /proc: " + e.getMessage(), e);
    }
    sessions.remove(OWN_SESSION);
    others.forEach(
        (pid, session) -> {
          if (sessions.contains(session)) {
            out.add(pid);
          }
        });
    return out;
  }

  private static boolean worksIn(Path proc, Path dir) {
    try {
      return Files.isSameFile(Files.readSymbolicLink(proc.resolve("cwd")), dir);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static boolean isPostgres(Path proc) {
    try {
      String exe = Files.readSymbolicLink(proc.resolve("exe")).getFileName().toString();
      if (exe.equals("postgres") || exe.startsWith("postgres ")) {
        return true;
      }
      String cmdline =
          new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8);
      return cmdline.startsWith("postgres");
    } catch (IOException | RuntimeException e) {
      return false; // also a process that is exiting: its session still counts it
    }
  }

  /** The process's session id (field 6 of its stat), or -1 if it cannot be read. */
  private static long session(Path proc) {
    try {
      String stat = Files.readString(proc.resolve("stat"), StandardCharsets.UTF_8);
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[3]); // state, ppid, pgrp, session
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
