package dev.toygres.engine.process;

import dev.toygres.testkit.TestDatabase;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A {@link WorkerMain} running in a child JVM (the current java binary, the test classpath). Its
 * output goes to {@code target/worker-logs/<worker>.log}. {@link #kill()} sends SIGKILL. Every
 * process started here is also killed when the test JVM exits, and the child exits by itself when
 * the test JVM dies (its stdin closes).
 */
public final class WorkerProcess {
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly)));
  }

  private final String workerId;
  private final Process process;
  private final Path log;
  private final CountDownLatch ready = new CountDownLatch(1);

  private WorkerProcess(String workerId, Process process, Path log) {
    this.workerId = workerId;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts a worker on {@code schema}; call {@link #awaitReady} before relying on it. {@code extra}
   * are more {@link WorkerMain} arguments ({@code key=value}).
   */
  public static WorkerProcess start(
      String workerId, String schema, Path dir, Duration lease, String... extra)
      throws IOException {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java,
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                WorkerMain.class.getName(),
                "url=" + TestDatabase.jdbcUrl(),
                "schema=" + schema,
                "worker=" + workerId,
                "dir=" + dir.toAbsolutePath(),
                "leaseMs=" + lease.toMillis()));
    cmd.addAll(List.of(extra));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("WORKER_DB_USER", TestDatabase.user());
    pb.environment().put("WORKER_DB_PASSWORD", TestDatabase.password());
    Path logDir = Path.of("target", "worker-logs");
    Files.createDirectories(logDir);
    Path log = logDir.resolve(workerId + ".log");
    Process p = pb.start();
    LIVE.add(p);
    WorkerProcess w = new WorkerProcess(workerId, p, log);
    Thread pump = new Thread(w::pumpOutput, "output-" + workerId);
    pump.setDaemon(true);
    pump.start();
    return w;
  }

  private void pumpOutput() {
    try (BufferedReader in =
            new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter out =
            new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
      String line;
      while ((line = in.readLine()) != null) {
        out.println(line);
        if (line.startsWith(WorkerMain.READY)) {
          ready.countDown();
        }
      }
    } catch (IOException e) {
      // the process is gone; its log says what it got to
    }
  }

  /** Waits for the READY line; fails (and kills the process) if it does not come. */
  public WorkerProcess awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!ready.await(100, TimeUnit.MILLISECONDS)) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        kill();
        throw new IllegalStateException(
            "worker "
                + workerId
                + " did not get ready (exit "
                + (process.isAlive() ? "none" : process.exitValue())
                + "); see "
                + log.toAbsolutePath());
      }
    }
    return this;
  }

  public String workerId() {
    return workerId;
  }

  /** The file its output goes to. */
  public Path log() {
    return log;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL: no shutdown hook, no graceful close, leases left behind. Waits until it is dead. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException(
          "worker " + workerId + " (pid " + pid() + ") survived SIGKILL");
    }
    LIVE.remove(process);
  }
}
