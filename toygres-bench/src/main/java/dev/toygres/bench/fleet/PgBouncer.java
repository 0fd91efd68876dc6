package dev.toygres.bench.fleet;

import dev.toygres.postgres.PostgresSockets;
import dev.toygres.postgres.internal.RootWrapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One pgbouncer in front of one probe target, started by the benchmark in a directory of its own
 * and stopped by the pid it was started with. It listens on a Unix socket only (no TCP port), pools
 * the monitoring role's connections to the control plane's database in transaction mode (the probes
 * run in the simple query protocol, with no session state), and authenticates clients with the
 * monitoring role's SCRAM secret, the same as the target's, so that it logs in to the target by
 * SCRAM pass-through. As root it runs as PostgreSQL does, as uid 1000 in a user namespace.
 */
final class PgBouncer implements AutoCloseable {
  static final int PORT = 6432;
  private static final Duration READY = Duration.ofSeconds(15);
  private static final Duration STOP = Duration.ofSeconds(10);

  private final PgBouncerConfig config;
  private final Process process;

  private PgBouncer(PgBouncerConfig config, Process process) {
    this.config = config;
    this.process = process;
  }

  /**
   * Writes the configuration and starts pgbouncer, in {@code closer} as soon as it runs (its socket
   * directory before it starts); returns once its socket exists.
   */
  static PgBouncer start(Path binary, PgBouncerConfig c, String monitorScramSecret, Closer closer)
      throws IOException, InterruptedException {
    Files.createDirectories(c.dir());
    Files.writeString(
        c.userlist(), PgBouncerConfig.userlist(monitorScramSecret), StandardCharsets.UTF_8);
    Files.writeString(c.ini(), c.iniText(), StandardCharsets.UTF_8);
    Files.createDirectories(c.socketDir());
    Files.setPosixFilePermissions(c.socketDir(), PosixFilePermissions.fromString("rwx------"));
    closer.add("the socket directory " + c.socketDir(), () -> deleteSocketDir(c));
    Process p =
        new ProcessBuilder(RootWrapper.wrap(List.of(binary.toString(), c.ini().toString())))
            .redirectErrorStream(true)
            .redirectOutput(c.log().toFile())
            .start();
    PgBouncer b = new PgBouncer(c, p);
    closer.add("pgbouncer (pid " + p.pid() + ")", b);
    Files.writeString(c.pidFile(), Long.toString(p.pid()), StandardCharsets.UTF_8);
    b.awaitSocket();
    return b;
  }

  long pid() {
    return process.pid();
  }

  Path socketDir() {
    return config.socketDir();
  }

  /**
   * Waits until pgbouncer accepts a connection on its socket: the file appears at its bind, before
   * its listen, and a login in between was refused (one run of the benchmark failed so).
   */
  private void awaitSocket() throws IOException, InterruptedException {
    Path socket = PostgresSockets.socketFile(config.socketDir(), PORT);
    long deadline = System.nanoTime() + READY.toNanos();
    while (!accepts(socket)) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "pgbouncer (pid "
                + process.pid()
                + ") did not accept connections on "
                + socket
                + (process.isAlive() ? " in " + READY.toSeconds() + " s" : ": it exited")
                + "; its log: "
                + Files.readString(config.log(), StandardCharsets.UTF_8).strip());
      }
      Thread.sleep(20);
    }
  }

  private static boolean accepts(Path socket) {
    if (!Files.exists(socket)) {
      return false;
    }
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      return ch.connect(UnixDomainSocketAddress.of(socket));
    } catch (IOException refused) {
      return false;
    }
  }

  /**
   * Stops it by its pid: SIGTERM (pgbouncer's immediate shutdown), SIGKILL after 10 s or when
   * interrupted (the interrupt is kept).
   */
  @Override
  public void close() throws IOException {
    process.destroy();
    try {
      if (!process.waitFor(STOP.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(STOP.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    Files.deleteIfExists(config.pidFile());
  }

  private static void deleteSocketDir(PgBouncerConfig c) throws IOException {
    Files.deleteIfExists(PostgresSockets.socketFile(c.socketDir(), PORT));
    Files.deleteIfExists(c.socketDir().resolve(".s.PGSQL." + PORT + ".lock"));
    Files.deleteIfExists(c.socketDir());
  }

  /**
   * Stops a pgbouncer that a killed benchmark left running from {@code dir}: the pid in its pid
   * file, only if that process runs on {@code dir}'s pgbouncer.ini.
   */
  static void stopLeftover(Path dir, PrintStream log) throws IOException, InterruptedException {
    Path pidFile = dir.resolve("bench.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).strip());
    String ini = dir.resolve("pgbouncer.ini").toAbsolutePath().toString();
    ProcessHandle h = ProcessHandle.of(pid).orElse(null);
    if (h != null && runsOn(pid, ini)) {
      log.println("bench-fleet: stopping a leftover pgbouncer (pid " + pid + ")");
      h.destroy();
      long deadline = System.nanoTime() + STOP.toNanos();
      while (h.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      if (h.isAlive()) {
        h.destroyForcibly();
      }
    }
  }

  private static boolean runsOn(long pid, String ini) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
      List<String> args = List.of(new String(raw, StandardCharsets.UTF_8).split("\0"));
      return !args.isEmpty()
          && Path.of(args.get(0)).getFileName().toString().equals("pgbouncer")
          && args.contains(ini);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
