package dev.toygres.bench.fleet;

import dev.toygres.postgres.internal.RootWrapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Finds Debian's pgbouncer, installing the package with apt-get when it is missing (as root only).
 * On a machine whose init system starts services on install (no {@code policy-rc.d} denying it),
 * the package's own service may start too; the benchmark never uses nor stops it.
 */
final class PgBouncerInstall {
  static final Path DEBIAN_BINARY = Path.of("/usr/sbin/pgbouncer");

  private PgBouncerInstall() {}

  /** The pgbouncer executable, installed first when missing. */
  static Path ensure(PrintStream log) throws IOException, InterruptedException {
    Optional<Path> found = find();
    if (found.isPresent()) {
      return found.get();
    }
    if (!RootWrapper.isRoot()) {
      throw new IllegalStateException(
          "pgbouncer is not installed and this benchmark is not root: install Debian's pgbouncer"
              + " (apt-get install pgbouncer) or use --targets-via direct");
    }
    log.println("bench-fleet: pgbouncer is missing; installing Debian's package with apt-get");
    if (apt(log, "install") != 0 && (apt(log, "update") != 0 || apt(log, "install") != 0)) {
      throw new IllegalStateException(
          "apt-get could not install pgbouncer (see above); install it or use --targets-via"
              + " direct");
    }
    return find()
        .orElseThrow(
            () -> new IllegalStateException("apt-get installed pgbouncer but it is not found"));
  }

  /** {@code /usr/sbin/pgbouncer} (Debian's), else the first pgbouncer on the PATH. */
  static Optional<Path> find() {
    if (Files.isExecutable(DEBIAN_BINARY)) {
      return Optional.of(DEBIAN_BINARY);
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(":")) {
        Path p = Path.of(dir.isEmpty() ? "." : dir, "pgbouncer");
        if (Files.isExecutable(p)) {
          return Optional.of(p);
        }
      }
    }
    return Optional.empty();
  }

  private static int apt(PrintStream log, String what) throws IOException, InterruptedException {
    List<String> command =
        what.equals("update")
            ? List.of("apt-get", "update", "-q")
            : List.of("apt-get", "install", "-y", "-q", "--no-install-recommends", "pgbouncer");
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
    Process p = pb.start();
    try (var out = p.getInputStream()) {
      out.transferTo(log);
    }
    return p.waitFor();
  }
}
