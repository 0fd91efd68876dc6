package dev.toygres.postgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Reads what Linux says about a process, for the integration tests. */
final class Proc {

  private Proc() {}

  /** The environment the process started with. */
  static Map<String, String> environ(long pid) throws IOException {
    byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
    Map<String, String> env = new LinkedHashMap<>();
    for (String entry : new String(raw, StandardCharsets.UTF_8).split("\0")) {
      if (!entry.isEmpty()) {
        int eq = entry.indexOf('=');
        env.put(entry.substring(0, eq), entry.substring(eq + 1));
      }
    }
    return env;
  }

  /** The fields of /proc/PID/status ("Uid" to "1000 1000 1000 1000", tabs as single spaces). */
  static Map<String, String> status(long pid) throws IOException {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      int colon = line.indexOf(':');
      fields.put(
          line.substring(0, colon), line.substring(colon + 1).trim().replaceAll("\\s+", " "));
    }
    return fields;
  }

  /** The numeric owner of {@code path} itself. */
  static int uid(Path path) throws IOException {
    return (Integer) Files.getAttribute(path, "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS);
  }

  /** The permission bits of {@code path} itself. */
  static int mode(Path path) throws IOException {
    return (Integer) Files.getAttribute(path, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS)
        & 07777;
  }

  /** Live processes (not zombies) whose working directory is {@code dir}. */
  static List<Long> workingIn(Path dir) throws IOException {
    List<Long> out = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.toList()) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          if (running(Long.parseLong(name))
              && Files.isSameFile(Files.readSymbolicLink(p.resolve("cwd")), dir)) {
            out.add(Long.parseLong(name));
          }
        } catch (IOException gone) {
          // exited, or not readable
        }
      }
    }
    return out;
  }

  /** Whether the process exists and is not a zombie (an ended process not reaped yet). */
  static boolean running(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (IOException e) {
      return false;
    }
  }

  /** The process's executable, or "" if it cannot be read. */
  static String exe(long pid) {
    try {
      return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "exe")).toString();
    } catch (IOException e) {
      return "";
    }
  }
}
