package dev.toygres.bench.fleet;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * CPU time from Linux's /proc: the whole machine's busy time, and a process tree's (a postmaster
 * and its backends; backends that exited are in the parent's {@code cutime/cstime}). Times are in
 * clock ticks (100 per second on Linux). Returns -1 where /proc cannot be read (not Linux).
 */
final class ProcCpu {
  static final double TICKS_PER_SECOND = 100.0;

  private ProcCpu() {}

  /** Busy and total ticks of all CPUs, from the first line of /proc/stat. */
  record Machine(long busy, long total) {}

  static Machine machine() {
    try {
      return parseMachine(Files.readAllLines(Path.of("/proc/stat")).get(0));
    } catch (IOException | RuntimeException e) {
      return new Machine(-1, -1);
    }
  }

  /** Parses {@code cpu user nice system idle iowait irq softirq steal ...}. */
  static Machine parseMachine(String cpuLine) {
    String[] f = cpuLine.trim().split("\\s+");
    if (!f[0].equals("cpu")) {
      throw new IllegalArgumentException("not the cpu line of /proc/stat: " + cpuLine);
    }
    long total = 0;
    // guest and guest_nice (fields 9 and 10) are already counted in user and nice
    for (int i = 1; i < Math.min(f.length, 9); i++) {
      total += Long.parseLong(f[i]);
    }
    long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
    return new Machine(total - idle, total);
  }

  /** A process's own and its waited-for children's ticks, and its parent, from /proc/PID/stat. */
  record Stat(long pid, long ppid, long ticks) {}

  /** Parses a /proc/PID/stat line (the command name may contain spaces and parentheses). */
  static Stat parseStat(String line) {
    int open = line.indexOf('(');
    int close = line.lastIndexOf(')');
    long pid = Long.parseLong(line.substring(0, open).trim());
    // after ")": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
    // cutime cstime ...
    String[] f = line.substring(close + 2).trim().split("\\s+");
    long ppid = Long.parseLong(f[1]);
    long ticks =
        Long.parseLong(f[11])
            + Long.parseLong(f[12])
            + Long.parseLong(f[13])
            + Long.parseLong(f[14]);
    return new Stat(pid, ppid, ticks);
  }

  /** Ticks used so far by process {@code pid} alone, -1 if unreadable (it ended, say). */
  static long ticks(long pid) {
    try {
      return parseStat(Files.readString(Path.of("/proc", Long.toString(pid), "stat"))).ticks();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Ticks used so far by {@code root} and all its descendants, -1 if unreadable. */
  static long tree(long root) {
    List<Stat> all = new ArrayList<>();
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path p : procs) {
        try {
          all.add(parseStat(Files.readString(p.resolve("stat"))));
        } catch (IOException | RuntimeException gone) {
          // the process ended meanwhile
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return sumTree(all, root);
  }

  /** Sums the ticks of {@code root} and its descendants among {@code stats}; -1 if root absent. */
  static long sumTree(List<Stat> stats, long root) {
    Map<Long, List<Stat>> children = new HashMap<>();
    Stat rootStat = null;
    for (Stat s : stats) {
      children.computeIfAbsent(s.ppid(), k -> new ArrayList<>()).add(s);
      if (s.pid() == root) {
        rootStat = s;
      }
    }
    if (rootStat == null) {
      return -1;
    }
    long sum = 0;
    Set<Long> seen = new HashSet<>();
    Deque<Stat> todo = new ArrayDeque<>(List.of(rootStat));
    while (!todo.isEmpty()) {
      Stat s = todo.pop();
      if (!seen.add(s.pid())) {
        continue;
      }
      sum += s.ticks();
      todo.addAll(children.getOrDefault(s.pid(), List.of()));
    }
    return sum;
  }
}
