package dev.toygres.engine.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Sends signals to processes this test started (by pid, never by name). */
public final class Signals {
  private Signals() {}

  /** The postmaster {@code pid} and every process below it (its backends and helpers). */
  public static List<Long> processTree(long pid) {
    List<Long> pids = new ArrayList<>();
    pids.add(pid);
    ProcessHandle.of(pid).ifPresent(p -> p.descendants().forEach(d -> pids.add(d.pid())));
    return pids;
  }

  /**
   * Stops (SIGSTOP) a postmaster, then every process below it: once the postmaster is stopped it
   * forks no new backend, so none escapes. Returns every pid stopped.
   */
  public static List<Long> stopTree(long pid) {
    send("STOP", List.of(pid));
    List<Long> tree = processTree(pid);
    send("STOP", tree);
    return tree;
  }

  /** Sends {@code signal} (e.g. {@code STOP}, {@code CONT}, {@code KILL}) to each pid. */
  public static void send(String signal, List<Long> pids) {
    List<String> cmd = new ArrayList<>(List.of("kill", "-" + signal));
    pids.forEach(p -> cmd.add(Long.toString(p)));
    try {
      Process kill = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!kill.waitFor(10, TimeUnit.SECONDS)) {
        kill.destroyForcibly();
        throw new IllegalStateException("kill did not finish: " + cmd);
      }
      if (kill.exitValue() != 0) {
        throw new IllegalStateException(cmd + " failed (" + kill.exitValue() + "): " + out);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + cmd, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + cmd, e);
    }
  }

  /** Each pid's state letter from /proc (T: stopped), for the log. */
  public static String states(List<Long> pids) {
    StringBuilder b = new StringBuilder();
    for (long pid : pids) {
      try {
        String stat =
            java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
        b.append(pid)
            .append('=')
            .append(stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3))
            .append(' ');
      } catch (IOException e) {
        b.append(pid).append("=gone ");
      }
    }
    return b.toString();
  }
}
