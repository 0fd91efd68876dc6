package dev.toygres.bench.fleet;

import dev.toygres.controlplane.secret.SecretBox;
import dev.toygres.postgres.EmbeddedPostgres;
import dev.toygres.postgres.PostgresInstallation;
import dev.toygres.postgres.PostgresInstallations;
import dev.toygres.postgres.PostgresServer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The fleet benchmark (issue 4): how many instance actors one server process sustains. It starts an
 * embedded metadata PostgreSQL and a few real PostgreSQL servers as probe targets, all under one
 * directory; then, for each configuration, it registers N instances in the CMS pointing at the
 * targets (round-robin), starts one actor per instance on one worker in this JVM (registered as the
 * server registers them: real probes, the real CMS writes, the supervisor), lets them settle,
 * measures a window and prints the figures. A benchmark, not a test: it never fails on figures.
 * Everything it started is stopped at the end, on failure and on Ctrl-C.
 */
public final class FleetBenchmark {
  static final String MARKER = ".toygres-bench-fleet";

  /**
   * Benchmark settings; every combination of instances x intervals x activity slots is one run.
   *
   * @param warmup extra settling time after every instance has had its first check; null for one
   *     interval (at least 10 s)
   */
  public record Settings(
      List<Integer> instances,
      List<Duration> intervals,
      List<Integer> activitySlots,
      Duration duration,
      Duration warmup,
      int targets,
      int poolSize,
      int dispatchers,
      Duration probeTimeout,
      int doctorRuns,
      Path dataDir) {
    public Settings {
      instances = List.copyOf(instances);
      intervals = List.copyOf(intervals);
      activitySlots = List.copyOf(activitySlots);
      if (instances.isEmpty() || intervals.isEmpty() || activitySlots.isEmpty()) {
        throw new IllegalArgumentException(
            "--instances, --interval and --activity-slots need a value");
      }
      if (instances.stream().anyMatch(n -> n < 1)
          || activitySlots.stream().anyMatch(n -> n < 1)
          || targets < 1
          || poolSize < 2
          || dispatchers < 1
          || doctorRuns < 1) {
        throw new IllegalArgumentException(
            "--instances, --activity-slots, --targets, --dispatchers and --doctor-runs must be"
                + " positive,"
                + " --pool-size at least 2");
      }
      if (intervals.stream().anyMatch(d -> d.toMillis() < 100)
          || duration.toMillis() < 1000
          || (warmup != null && warmup.isNegative())) {
        throw new IllegalArgumentException(
            "--interval must be at least 100ms, --duration at least 1s, --warmup not negative");
      }
    }
  }

  private FleetBenchmark() {}

  /** Runs every configuration, prints progress to {@code log} and the table to {@code out}. */
  @SuppressWarnings("try") // the lock file is held, not read
  public static List<FleetRun.Result> run(Settings s, PrintStream out, PrintStream log)
      throws Exception {
    Closer closer = new Closer();
    Thread hook = new Thread(closer::closeAll, "bench-fleet-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try (FileChannel lockFile = lockDirectory(s.dataDir())) {
      wipe(s.dataDir(), log);
      PostgresInstallation inst = PostgresInstallations.defaultInstallation();
      log.printf(
          Locale.ROOT,
          "bench-fleet: PostgreSQL %s; directory %s%n",
          inst.version(),
          s.dataDir().toAbsolutePath());
      long t = System.nanoTime();
      EmbeddedPostgres meta = EmbeddedPostgres.start(s.dataDir().resolve("postgres"));
      meta.withoutShutdownHook();
      closer.add("the metadata PostgreSQL (pid " + meta.server().pid() + ")", meta);
      byte[] pw = new byte[12];
      new SecureRandom().nextBytes(pw);
      String password = HexFormat.of().formatHex(pw);
      List<PostgresServer> targets = new ArrayList<>();
      for (int i = 0; i < s.targets(); i++) {
        PostgresServer server =
            PostgresServer.builder()
                .installation(inst)
                .dataDir(s.dataDir().resolve("targets").resolve("target-" + i))
                .password(password)
                .unixSocketDirectory(
                    Path.of("/tmp", "toygres-bench-" + ProcessHandle.current().pid() + "-" + i))
                .setting("max_connections", "300")
                .build();
        // stopped by pid (the server checks it is the postgres of this data directory)
        closer.add("probe target " + i, server::stop);
        server.start();
        FleetTargets.addMonitoringRole(server, password);
        targets.add(server);
      }
      log.printf(
          Locale.ROOT,
          "bench-fleet: metadata PostgreSQL pid %d, %d probe targets (pids %s) started in %.1f s%n",
          meta.server().pid(),
          targets.size(),
          targets.stream().map(p -> Long.toString(p.pid())).toList(),
          (System.nanoTime() - t) / 1e9);
      SecretBox secrets = SecretBox.load(null, s.dataDir().resolve("secret.key"));
      FleetRun.Environment env =
          new FleetRun.Environment(meta, targets, password, inst.majorVersion(), secrets, closer);
      List<FleetRun.Result> results = new ArrayList<>();
      int k = 0;
      for (int slots : s.activitySlots()) {
        for (Duration interval : s.intervals()) {
          for (int n : s.instances()) {
            try {
              results.add(new FleetRun(env, s, n, interval, slots, ++k, log).run());
            } catch (Exception | Error e) {
              if (!results.isEmpty()) {
                out.println("(the runs that completed before the failure)");
                FleetReport.print(results, out);
              }
              throw e;
            }
          }
        }
      }
      FleetReport.print(results, out);
      return results;
    } finally {
      closer.closeAll();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException exiting) {
        // the JVM is shutting down: the hook has done it
      }
    }
  }

  /**
   * Holds a lock on {@code <dir>/.toygres-bench-fleet} so two benchmarks never share a directory;
   * refuses a non-empty directory without the marker (never wipe someone's files).
   */
  private static FileChannel lockDirectory(Path dir) throws IOException {
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
   * Stops PostgreSQL servers left in the directory by a benchmark that was killed (by their
   * postmaster.pid, checked to be a postgres of that data directory), then deletes everything but
   * the marker.
   */
  private static void wipe(Path dir, PrintStream log) throws IOException {
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
