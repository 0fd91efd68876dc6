package dev.toygres.bench.fleet;

import dev.toygres.bench.fleet.FleetResult.Shape;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The other servers of {@code --servers N}: N - 1 worker-only JVMs ({@link FleetWorkerProcess}) on
 * the run's metadata database, started from this JVM's own classpath (the bench jar) and heap size,
 * each with its log under the benchmark's directory. {@link #counts()} asks each for its {@link
 * WorkCounts}. Each is stopped by the {@link Process} (pid) this started: asked to stop, then
 * killed after {@link #STOP_TIMEOUT}; also from the {@link Closer} on failure and Ctrl-C.
 */
final class FleetWorkers {
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private final List<Child> children;

  private FleetWorkers(List<Child> children) {
    this.children = List.copyOf(children);
  }

  /** No other server (one server: the benchmark's own worker). */
  static FleetWorkers none() {
    return new FleetWorkers(List.of());
  }

  /** Starts {@code extra} worker-only processes and waits until each one's worker runs. */
  static FleetWorkers start(
      int extra,
      FleetEnvironment env,
      String db,
      Shape shape,
      Duration probeTimeout,
      Path dataDir,
      PrintStream log)
      throws Exception {
    List<Child> started = new ArrayList<>();
    for (int i = 1; i <= extra; i++) {
      String role = "worker-" + i;
      List<String> cmd = new ArrayList<>();
      cmd.add(ProcessHandle.current().info().command().orElse("java"));
      // the same heap as this JVM (TOYGRES_JAVA_OPTS), nothing else of its options
      for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
        if (a.startsWith("-Xmx") || a.startsWith("-Xms")) {
          cmd.add(a);
        }
      }
      cmd.add("-cp");
      cmd.add(System.getProperty("java.class.path"));
      cmd.add(FleetWorkerProcess.class.getName());
      cmd.addAll(
          FleetWorkerProcess.arguments(
              role,
              shape.interval(),
              shape.activitySlots(),
              shape.dispatchers(),
              shape.poolSize(),
              probeTimeout,
              dataDir.resolve("secret.key")));
      Path logFile = dataDir.resolve("workers").resolve(db + "-" + role + ".log");
      Files.createDirectories(logFile.getParent());
      ProcessBuilder pb =
          new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
      pb.environment().put(FleetWorkerProcess.DATABASE_URL_ENV, RunWiring.databaseUrl(env, db));
      Process p = pb.start();
      Child c = new Child(role, p, logFile);
      c.entry = env.closer().add("the worker process " + role + " (pid " + p.pid() + ")", c::stop);
      started.add(c);
      c.awaitReady();
      log.printf(
          Locale.ROOT, "bench-fleet: worker-only process %s started (pid %d)%n", role, p.pid());
    }
    return new FleetWorkers(started);
  }

  int size() {
    return children.size();
  }

  /** Each worker-only process's counts so far (none without them). */
  List<WorkCounts> counts() throws IOException {
    List<WorkCounts> all = new ArrayList<>();
    for (Child c : children) {
      all.add(c.counts());
    }
    return all;
  }

  /** Stops every worker-only process (each by its own pid). */
  void stop() {
    for (Child c : children) {
      c.entry.close();
    }
  }

  private static final class Child {
    private final String role;
    private final Process process;
    private final Path logFile;
    private final BufferedReader out;
    private final Writer in;
    private Closer.Entry entry;

    Child(String role, Process process, Path logFile) {
      this.role = role;
      this.process = process;
      this.logFile = logFile;
      this.out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    void awaitReady() throws IOException {
      if (!reply().equals("ready")) {
        throw new IOException(role + " did not say it was ready; see " + logFile);
      }
    }

    WorkCounts counts() throws IOException {
      in.write("counts\n");
      in.flush();
      return WorkCounts.fromJson(reply());
    }

    /** The next protocol line without its prefix; other lines are the product's, skipped. */
    private String reply() throws IOException {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (line.startsWith(FleetWorkerProcess.PREFIX)) {
          return line.substring(FleetWorkerProcess.PREFIX.length());
        }
      }
      throw new IOException(
          "the worker process "
              + role
              + " (pid "
              + process.pid()
              + ") ended"
              + (process.isAlive() ? "" : " with exit code " + process.exitValue())
              + "; see "
              + logFile);
    }

    void stop() throws InterruptedException {
      try {
        in.write("stop\n");
        in.close();
      } catch (IOException gone) {
        // it ended already
      }
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }
}
