package dev.toygres.controlplane.faults;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Signals sent by pid to processes a test started (never by name): one process, or a process and
 * every descendant, as a pause (SIGSTOP), a resume (SIGCONT) or a crash (SIGKILL) would hit them.
 */
final class Signals {
  private Signals() {}

  /** Sends {@code signal} (a name such as {@code STOP}) to {@code pid}; false if it is gone. */
  static boolean send(long pid, String signal) {
    if (pid <= 1) {
      throw new IllegalArgumentException("refusing to signal pid " + pid);
    }
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start();
      kill.getInputStream().close();
      if (!kill.waitFor(10, TimeUnit.SECONDS)) {
        kill.destroyForcibly();
        return false;
      }
      return kill.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * The process and its descendants, parent first (so a pause stops the parent before it can start
   * another child).
   */
  static List<Long> tree(long pid) {
    List<Long> pids = new ArrayList<>();
    pids.add(pid);
    ProcessHandle.of(pid).ifPresent(p -> p.descendants().forEach(d -> pids.add(d.pid())));
    return pids;
  }

  /** SIGSTOP to the process, then to each descendant; returns the pids stopped. */
  static List<Long> pauseTree(long pid) {
    List<Long> pids = tree(pid);
    pids.forEach(p -> send(p, "STOP"));
    return pids;
  }

  /** SIGCONT to the given pids, children first and the parent (the first) last. */
  static void resume(List<Long> pids) {
    for (int i = pids.size() - 1; i >= 0; i--) {
      send(pids.get(i), "CONT");
    }
  }

  /** SIGKILL to the process and every descendant; waits until all are gone (30 s at most). */
  static void killTree(long pid) throws InterruptedException {
    List<Long> pids = tree(pid);
    pids.forEach(p -> send(p, "KILL"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (long p : pids) {
      while (ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false)
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
    }
  }
}
