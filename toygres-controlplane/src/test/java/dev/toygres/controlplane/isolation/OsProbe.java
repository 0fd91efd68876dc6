package dev.toygres.controlplane.isolation;

import dev.toygres.postgres.OsUser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the operating system says about a process, and what another user may read. */
final class OsProbe {
  private OsProbe() {}

  /** The real uid of process {@code pid}. */
  static int uid(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("Uid:")) {
        return Integer.parseInt(line.substring(4).trim().split("\\s+")[0]);
      }
    }
    throw new IOException("no Uid line for pid " + pid);
  }

  /** The environment of process {@code pid}, as NAME=value entries. */
  static List<String> environment(long pid) throws IOException {
    byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
    return Arrays.stream(new String(raw, StandardCharsets.UTF_8).split("\0"))
        .filter(s -> !s.isEmpty())
        .toList();
  }

  /**
   * The paths among {@code paths} that {@code user} can read (files) or list (directories), as the
   * kernel decides: one shell run as that user (setpriv, groups cleared, as instance servers run).
   */
  static List<String> readableBy(OsUser user, List<Path> paths) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "setpriv",
                "--reuid=" + user.uid(),
                "--regid=" + user.gid(),
                "--clear-groups",
                "sh",
                "-c",
                "for f in \"$@\"; do if [ -r \"$f\" ]; then echo \"$f\"; fi; done",
                "sh"));
    paths.forEach(p -> cmd.add(p.toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("setpriv failed: " + out);
    }
    return out.lines().filter(l -> !l.isBlank()).toList();
  }
}
