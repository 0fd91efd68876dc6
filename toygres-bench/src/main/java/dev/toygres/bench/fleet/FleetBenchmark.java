package dev.toygres.bench.fleet;

import dev.toygres.postgres.PostgresInstallation;
import dev.toygres.postgres.PostgresInstallations;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The fleet benchmark: how many instance actors one server process sustains. It starts an embedded
 * metadata PostgreSQL and a few real PostgreSQL servers as probe targets, all under one directory;
 * then, for each configuration, it registers N instances in the CMS pointing at the targets
 * (round-robin), starts one actor per instance on one worker in this JVM (wired as the server wires
 * them, see {@link RunWiring}: real probes, the real CMS writes, the supervisor), lets them settle,
 * measures a window and prints the figures ({@link FleetRun}: also the other servers of {@code
 * --servers} and the recovery of {@code --recovery}). A benchmark, not a test: it never fails on
 * figures. Everything it started is stopped at the end, on failure and on Ctrl-C.
 */
final class FleetBenchmark {
  private FleetBenchmark() {}

  /**
   * Runs every configuration of {@code s}, prints progress to {@code log} and the table of figures
   * to {@code out} (also the runs that completed when a later one fails), or with {@link
   * FleetSettings#json()} one JSON object per run to {@code out} and the table to {@code log};
   * returns the figures.
   */
  @SuppressWarnings("try") // the lock file is held, not read
  static List<FleetResult> run(FleetSettings s, PrintStream out, PrintStream log) throws Exception {
    Closer closer = new Closer();
    Thread hook = new Thread(closer::closeAll, "bench-fleet-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try (FileChannel lock = BenchDirectory.lock(s.dataDir())) {
      BenchDirectory.wipe(s.dataDir(), log);
      PostgresInstallation inst = PostgresInstallations.defaultInstallation();
      log.printf(
          Locale.ROOT,
          "bench-fleet: PostgreSQL %s; directory %s%n",
          inst.version(),
          s.dataDir().toAbsolutePath());
      FleetEnvironment env =
          FleetEnvironment.start(
              inst,
              s.dataDir(),
              s.targets(),
              s.targetsVia(),
              // each server process keeps a connection per instance it probed
              s.instances().stream().mapToInt(Integer::intValue).max().orElseThrow() * s.servers(),
              s.targetsNice(),
              closer,
              log);
      List<FleetResult> results = runAll(env, s, out, log);
      report(results, s, out, log);
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

  private static List<FleetResult> runAll(
      FleetEnvironment env, FleetSettings s, PrintStream out, PrintStream log) throws Exception {
    List<FleetResult> results = new ArrayList<>();
    int k = 0;
    for (int slots : s.activitySlots()) {
      for (Duration interval : s.intervals()) {
        for (int n : s.instances()) {
          FleetResult.Shape shape =
              new FleetResult.Shape(
                  n,
                  interval,
                  slots,
                  s.poolSize(),
                  s.dispatchers(),
                  s.targets(),
                  s.targetsVia(),
                  s.targetsNice());
          try {
            results.add(new FleetRun(env, s, shape, ++k, log).run());
          } catch (Exception | Error e) {
            if (!results.isEmpty()) {
              (s.json() ? log : out).println("(the runs that completed before the failure)");
              report(results, s, out, log);
            }
            throw e;
          }
        }
      }
    }
    return results;
  }

  /** The table on {@code out}; with --json, the JSON objects there and the table on {@code log}. */
  private static void report(
      List<FleetResult> results, FleetSettings s, PrintStream out, PrintStream log) {
    if (s.json()) {
      FleetReport.print(results, log);
      FleetJson.print(results, out);
    } else {
      FleetReport.print(results, out);
    }
  }
}
