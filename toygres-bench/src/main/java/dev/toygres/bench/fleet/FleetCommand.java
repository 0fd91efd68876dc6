package dev.toygres.bench.fleet;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code toygres bench-fleet}: how many instance actors one server process sustains (see {@link
 * FleetBenchmark}).
 */
@Command(
    name = "bench-fleet",
    mixinStandardHelpOptions = true,
    defaultValueProvider = FleetDefaults.class,
    description = {
      "Runs the fleet benchmark: an embedded metadata PostgreSQL and a few real",
      "PostgreSQL servers as probe targets under --data-dir (wiped first), by default",
      "each behind a pgbouncer; N instances registered pointing at them; one actor per",
      "instance on one worker in this process (real probes). Prints iterations/s vs",
      "N/interval, probe lateness, CPU (per iteration: control plane, probe targets,",
      "pgbouncer), heap, metadata-database growth and the doctor's time for the whole",
      "fleet. One run per combination of --instances, --interval and --activity-slots.",
      "--servers N shares the fleet among N server processes; --recovery measures how long",
      "the fleet takes to be monitored again after the engine's state is lost;",
      "--targets-nice 19 serves the control plane before the probe targets.",
      "Everything it started is stopped at the end (also on Ctrl-C)."
    })
public final class FleetCommand implements Callable<Integer> {
  @Option(
      names = "--instances",
      split = ",",
      defaultValue = "1000",
      description = "Fleet sizes, one run each (default ${DEFAULT-VALUE}).")
  List<Integer> instances;

  @Option(
      names = "--interval",
      split = ",",
      description = "Actors' health intervals, one run each (default ${DEFAULT-VALUE}).")
  List<Duration> intervals;

  @Option(
      names = "--activity-slots",
      split = ",",
      description =
          "Activities running at once in the worker, one run each (default ${DEFAULT-VALUE},"
              + " as the server).")
  List<Integer> activitySlots;

  @Option(
      names = "--duration",
      defaultValue = "60s",
      description = "Measured window of each run (default ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(
      names = "--warmup",
      description =
          "Settling time after every instance has had its first check (default: at least one"
              + " interval of at least 10s, then until at most 1% of the instances have been overdue"
              + " by more than 1s for another such interval, at most ten intervals).")
  Duration warmup;

  @Option(
      names = "--targets",
      defaultValue = "3",
      description = "Real PostgreSQL servers the instances point at (default ${DEFAULT-VALUE}).")
  int targets;

  @Option(
      names = "--targets-via",
      defaultValue = "pgbouncer",
      converter = ViaConverter.class,
      description =
          "How probes reach the targets: pgbouncer (one per target, transaction pooling; Debian's"
              + " package, installed with apt-get when missing) or direct (default"
              + " ${DEFAULT-VALUE}).")
  TargetsVia targetsVia;

  @Option(
      names = "--json",
      description =
          "Print one JSON object per run (one a line) on stdout; the table then goes to stderr.")
  boolean json;

  @Option(
      names = "--pool-size",
      description = "Metadata connection pool size (default ${DEFAULT-VALUE}, as the server).")
  int poolSize;

  @Option(
      names = "--dispatchers",
      description =
          "Orchestration dispatcher threads (each fetches and steps a batch at a time); default"
              + " ${DEFAULT-VALUE}, as the server's --orchestration-dispatchers.")
  int dispatchers;

  @Option(
      names = "--probe-timeout",
      description = "Health probe timeout (default ${DEFAULT-VALUE}).")
  Duration probeTimeout;

  @Option(
      names = "--doctor-runs",
      defaultValue = "5",
      description = "Doctor runs per fleet; the median is reported (default ${DEFAULT-VALUE}).")
  int doctorRuns;

  @Option(
      names = "--servers",
      defaultValue = "1",
      description =
          "Server processes sharing the fleet on one metadata database: this one's worker and"
              + " N-1 worker-only JVMs started from the same jar; reports each one's checks,"
              + " steps and CPU (default ${DEFAULT-VALUE}).")
  int servers;

  @Option(
      names = "--recovery",
      description =
          "After the window, lose the engine's state (drop its schema), start the control plane"
              + " again and measure until every instance is checked again (recovery_s); with"
              + " --servers 1.")
  boolean recovery;

  @Option(
      names = "--targets-nice",
      defaultValue = "0",
      description =
          "Niceness of the probe targets' processes (PostgreSQL and pgbouncer), 0 to 19: with 19"
              + " the control plane is served first where they share the cores, as if the"
              + " targets ran elsewhere (default ${DEFAULT-VALUE}).")
  int targetsNice;

  @Option(
      names = "--data-dir",
      defaultValue = "${sys:user.home}/.toygres-bench-fleet",
      description = "The benchmark's directory, wiped at start (default ${DEFAULT-VALUE}).")
  Path dataDir;

  @Override
  public Integer call() throws Exception {
    FleetBenchmark.run(
        new FleetSettings(
            instances,
            intervals,
            activitySlots,
            duration,
            warmup,
            targets,
            targetsVia,
            poolSize,
            dispatchers,
            probeTimeout,
            doctorRuns,
            dataDir,
            json,
            servers,
            recovery,
            targetsNice),
        System.out,
        System.err);
    return 0;
  }

  /** Reads {@code --targets-via} as {@link TargetsVia#parse}. */
  static final class ViaConverter implements CommandLine.ITypeConverter<TargetsVia> {
    @Override
    public TargetsVia convert(String value) {
      try {
        return TargetsVia.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
