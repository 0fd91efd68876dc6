package dev.toygres.postgres.internal;

import dev.toygres.postgres.PostgresInstallation;
import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * System-installed PostgreSQL: Debian's /usr/lib/postgresql/N/bin and the bin dir of pg_config on
 * PATH.
 */
public final class SystemBinaries {

  private static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");

  private SystemBinaries() {}

  /** The system installations found, newest first, each bin directory once. */
  public static List<PostgresInstallation> installations() {
    Map<Path, PostgresInstallation> found = new LinkedHashMap<>();
    List<Path> candidates = new ArrayList<>();
    if (Files.isDirectory(DEBIAN_ROOT)) {
      try (DirectoryStream<Path> dirs = Files.newDirectoryStream(DEBIAN_ROOT)) {
        dirs.forEach(dir -> candidates.add(dir.resolve("bin")));
      } catch (IOException e) {
        // unreadable: nothing found there
      }
    }
    pgConfigBinDir().ifPresent(candidates::add);
    for (Path binDir : candidates) {
      Path key = realPath(binDir);
      if (!found.containsKey(key)) {
        VersionProbe.probe(binDir, PostgresInstallation.Source.SYSTEM)
            .ifPresent(i -> found.put(key, i));
      }
    }
    return found.values().stream()
        .sorted(Comparator.comparingInt(PostgresInstallation::majorVersion).reversed())
        .toList();
  }

  private static Optional<Path> pgConfigBinDir() {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path pgConfig = Path.of(dir.isEmpty() ? "." : dir, "pg_config");
      if (Files.isExecutable(pgConfig)) {
        try {
          Exec.Result result =
              Exec.run(List.of(pgConfig.toString(), "--bindir"), Duration.ofSeconds(30));
          String out = result.output().strip();
          return result.ok() && !out.isEmpty() ? Optional.of(Path.of(out)) : Optional.empty();
        } catch (IOException | RuntimeException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  private static Path realPath(Path dir) {
    try {
      return dir.toRealPath();
    } catch (IOException e) {
      return dir.toAbsolutePath().normalize();
    }
  }
}
