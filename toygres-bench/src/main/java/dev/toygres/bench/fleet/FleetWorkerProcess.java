package dev.toygres.bench.fleet;

import dev.toygres.controlplane.config.Durations;
import dev.toygres.controlplane.secret.SecretBox;
import dev.toygres.engine.DurableEngine;
import dev.toygres.engine.worker.DurableWorker;
import dev.toygres.engine.worker.WorkerOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A worker-only fleet process for {@code bench-fleet --servers N}: a second server's worker on the
 * run's metadata database, with the same registrations as the benchmark's own ({@link
 * FleetRegistry}) and the server's worker options. Started by {@link FleetWorkers} from the same
 * jar or classpath; the database URL (with its password) comes in {@link #DATABASE_URL_ENV}.
 *
 * <p>Its protocol, one line each way: it prints {@code fleet-worker ready} once its worker runs; on
 * {@code counts} it prints {@code fleet-worker {json}} ({@link WorkCounts}); on {@code stop} or the
 * end of its input (the benchmark ended or died) it stops its worker gracefully and exits. Every
 * other line on its standard output is the product's, never the protocol's.
 */
public final class FleetWorkerProcess {
  static final String DATABASE_URL_ENV = "TOYGRES_BENCH_DATABASE_URL";
  static final String PREFIX = "fleet-worker ";

  private FleetWorkerProcess() {}

  /** The arguments {@link #main} takes: role, interval, slots, dispatchers, pool, probe timeout. */
  static List<String> arguments(
      String role,
      Duration interval,
      int slots,
      int dispatchers,
      int poolSize,
      Duration probeTimeout,
      Path secretKey) {
    return List.of(
        role,
        Durations.format(interval),
        Integer.toString(slots),
        Integer.toString(dispatchers),
        Integer.toString(poolSize),
        Durations.format(probeTimeout),
        secretKey.toAbsolutePath().toString());
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 7 || System.getenv(DATABASE_URL_ENV) == null) {
      System.err.println(
          "usage: FleetWorkerProcess ROLE INTERVAL SLOTS DISPATCHERS POOL PROBE_TIMEOUT KEY_FILE"
              + " (database URL in "
              + DATABASE_URL_ENV
              + "); started by bench-fleet --servers");
      System.exit(2);
    }
    String role = args[0];
    Duration interval = Durations.parse(args[1]);
    int slots = Integer.parseInt(args[2]);
    int dispatchers = Integer.parseInt(args[3]);
    int poolSize = Integer.parseInt(args[4]);
    Duration probeTimeout = Durations.parse(args[5]);
    SecretBox secrets = SecretBox.load(null, Path.of(args[6]));
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    WorkerOptions options = RunWiring.options(slots, dispatchers).withMeterRegistry(meters);
    PrintStream out = System.out;
    try (DurableEngine engine =
        DurableEngine.builder()
            .databaseUrl(System.getenv(DATABASE_URL_ENV))
            .poolSize(poolSize)
            .workerOptions(options)
            .start()) {
      FleetRegistry r = FleetRegistry.of(engine, interval, probeTimeout, secrets, meters);
      try (DurableWorker worker = DurableWorker.start(engine.store(), r.registry, options)) {
        out.println(PREFIX + "ready");
        out.flush();
        BufferedReader in =
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          if (line.equals("stop")) {
            break;
          }
          if (line.equals("counts")) {
            out.println(PREFIX + WorkCounts.of(role, meters).toJson());
            out.flush();
          }
        }
      }
    }
    System.exit(0);
  }
}
