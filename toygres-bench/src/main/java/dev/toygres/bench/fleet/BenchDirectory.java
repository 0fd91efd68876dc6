package dev.toygres.bench.fleet;

import dev.toygres.postgres.PostgresServer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The benchmark's directory: locked by a marker file so two benchmarks never share it, and wiped at
 * the start (never a directory that is not the benchmark's).
 */
final class BenchDirectory {
  private static final String MARKER = ".toygres-bench-fleet";

  private BenchDirectory() {}

  /**
   * Holds a lock on {@code <dir>/.toygres-bench-fleet} until the returned channel is closed;
   * refuses a non-empty directory without the marker (never wipe someone's files).
   */
  static FileChannel lock(Path dir) throws IOException {
    Path marker = dir.resolve(MARKER);
    if (Files.isDirectory(dir) && !Files.exists(marker)) {
      try (Stream<Path> entries = Files.list(dir)) {
        if (entries.findAny().isPresent()) {
          throw new IllegalArgumentException(
              dir
                  + " is not empty and is not a bench-fleet directory; give an empty or new"
                  + " --data-dir");
        }
      }
    }
    Files.createDirectories(dir);
    FileChannel ch = FileChannel.open(marker, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock = ch.tryLock();
    if (lock == null) {
      ch.close();
      throw new IllegalStateException("another bench-fleet is running in " + dir);
    }
    return ch;
  }

  /**
   * Stops PostgreSQL servers and poolers left in the directory by a benchmark that was killed (by
   * their postmaster.pid, checked to be a postgres of that data directory; by the pid file the
   * benchmark wrote, checked to be a pgbouncer of that configuration), then deletes everything but
   * the marker.
   */
  static void wipe(Path dir, PrintStream log) throws IOException, InterruptedException {
    Path poolers = dir.resolve("poolers");
    if (Files.isDirectory(poolers)) {
      try (Stream<Path> ps = Files.list(poolers)) {
        for (Path p : ps.filter(Files::isDirectory).toList()) {
          PgBouncer.stopLeftover(p, log);
        }
      }
    }
    List<Path> dataDirs = new ArrayList<>();
    dataDirs.add(dir.resolve("postgres").resolve("pgdata"));
    Path targets = dir.resolve("targets");
    if (Files.isDirectory(targets)) {
      try (Stream<Path> ts = Files.list(targets)) {
        ts.filter(Files::isDirectory).forEach(dataDirs::add);
      }
    }
    for (Path d : dataDirs) {
      PostgresServer.attach(d)
          .ifPresent(
              leftover -> {
                log.println(
                    "bench-fleet: stopping a leftover PostgreSQL (pid " + leftover.pid() + ")");
                leftover.stop();
              });
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        if (!p.equals(dir) && !p.equals(dir.resolve(MARKER))) {
          Files.delete(p);
        }
      }
    }
  }
}
