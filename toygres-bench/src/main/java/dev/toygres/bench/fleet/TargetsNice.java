package dev.toygres.bench.fleet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Lowers the CPU priority of the probe targets (each target's postmaster with its processes, and
 * each pooler), so that on a machine where they share the cores with the control plane, the control
 * plane's processes are served first and the targets take what is left: the nearest this machine
 * comes to targets on other machines. A backend a postmaster starts later inherits the postmaster's
 * niceness. Uses util-linux's {@code renice}, and reads every process's niceness back from {@code
 * /proc}.
 */
final class TargetsNice {
  /** The highest niceness Linux has: the lowest priority. */
  static final int MAX = 19;

  private TargetsNice() {}

  /**
   * Sets niceness {@code nice} (1 to {@link #MAX}) on every process of the trees rooted at {@code
   * roots}; returns how many processes it set.
   *
   * @throws IOException if renice fails or a process's niceness reads back different
   */
  static int apply(List<Long> roots, int nice) throws IOException, InterruptedException {
    if (nice < 1 || nice > MAX) {
      throw new IllegalArgumentException("niceness must be between 1 and " + MAX + ": " + nice);
    }
    List<Long> pids = new ArrayList<>();
    for (long root : roots) {
      ProcessHandle h =
          ProcessHandle.of(root)
              .orElseThrow(() -> new IOException("probe target process " + root + " is gone"));
      pids.add(h.pid());
      try (Stream<ProcessHandle> d = h.descendants()) {
        d.forEach(p -> pids.add(p.pid()));
      }
    }
    List<String> cmd = new ArrayList<>(List.of("renice", "-n", Integer.toString(nice), "-p"));
    pids.forEach(p -> cmd.add(Long.toString(p)));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (p.waitFor() != 0) {
      throw new IOException("renice of the probe targets failed: " + out);
    }
    for (long pid : pids) {
      int now = niceOf(pid);
      if (now != nice) {
        throw new IOException(
            String.format(
                Locale.ROOT, "probe target process %d has niceness %d, not %d", pid, now, nice));
      }
    }
    return pids.size();
  }

  /** A process's niceness, field 19 of /proc/PID/stat. */
  static int niceOf(long pid) throws IOException {
    String line = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    return parseNice(line);
  }

  /**
   * The niceness in a /proc/PID/stat line (the command name may contain spaces and parentheses).
   */
  static int parseNice(String statLine) {
    // after ")": state(3) ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime
    // stime cutime cstime priority nice(19)
    String[] f = statLine.substring(statLine.lastIndexOf(')') + 2).trim().split("\\s+");
    return Integer.parseInt(f[16]);
  }
}
