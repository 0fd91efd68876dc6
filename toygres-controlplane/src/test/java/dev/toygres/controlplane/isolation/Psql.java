package dev.toygres.controlplane.isolation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/** The machine's psql, if PostgreSQL's client is installed (Debian: postgresql-client). */
final class Psql {
  private Psql() {}

  static Optional<Path> find() throws IOException {
    Path lib = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(lib)) {
      try (Stream<Path> versions = Files.list(lib)) {
        Optional<Path> found =
            versions
                .map(v -> v.resolve("bin").resolve("psql"))
                .filter(Files::isExecutable)
                .max(Comparator.naturalOrder());
        if (found.isPresent()) {
          return found;
        }
      }
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, "psql");
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
