package dev.toygres.controlplane.dataplane;

import dev.toygres.controlplane.ToygresException;
import dev.toygres.postgres.PostgresInstallation;
import dev.toygres.postgres.PostgresServer;
import dev.toygres.postgres.internal.RootWrapper;
import dev.toygres.postgres.internal.ServerStarter;
import dev.toygres.postgres.internal.Stopper;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Starts the server of an initialized instance without knowing its admin password.
 *
 * <p>{@link PostgresServer#start()} waits for readiness by logging in as the superuser, so it needs
 * the password, which the data plane does not keep (and which the user may have changed). This
 * starter launches postgres the same way (own session via setsid, the root wrapper, output appended
 * to the log) and counts the server as ready once it answers a connection attempt up to the
 * authentication request, as {@code pg_isready} does.
 */
final class ExistingServerStarter {

  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final List<Path> SETSID =
      List.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid"));

  private ExistingServerStarter() {}

  /**
   * Starts the server and returns once it accepts connections.
   *
   * @throws ToygresException 500 with the log's tail if it exits or does not answer in time
   */
  static PostgresServer start(InstanceDir dir, InstanceMetadata meta, PostgresInstallation inst) {
    Path dataDir = dir.dataDir();
    Process process;
    long logStart;
    try {
      ServerStarter.clearLeftover(dataDir, STOP_TIMEOUT);
      logStart = Files.exists(dir.logFile()) ? Files.size(dir.logFile()) : 0;
      process =
          new ProcessBuilder(command(dataDir, meta.port(), inst))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.logFile().toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
    } catch (IOException | RuntimeException e) {
      throw failure(meta, inst, e.getMessage(), e);
    }
    String problem = ServerReadiness.await(process, dataDir, meta, STARTUP_TIMEOUT);
    if (problem == null) {
      return PostgresServer.attach(dataDir)
          .orElseThrow(() -> failure(meta, inst, "it is not running after startup", null));
    }
    Stopper.stop(process.pid(), process, dataDir, Duration.ofSeconds(10));
    throw failure(
        meta,
        inst,
        problem + ". Last lines of " + dir.logFile() + ":\n" + tail(dir.logFile(), logStart),
        null);
  }

  private static List<String> command(Path dataDir, int port, PostgresInstallation inst) {
    List<String> postgres = new ArrayList<>();
    postgres.addAll(List.of(inst.executable("postgres").toString(), "-D", dataDir.toString()));
    postgres.addAll(List.of("-p", Integer.toString(port)));
    new TreeMap<>(InstanceServers.SETTINGS)
        .forEach((k, v) -> postgres.addAll(List.of("-c", k + "=" + v)));
    postgres.addAll(List.of("-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="));
    List<String> command = new ArrayList<>();
    SETSID.stream()
        .filter(Files::isExecutable)
        .findFirst()
        .ifPresent(p -> command.add(p.toString()));
    command.addAll(RootWrapper.wrap(postgres));
    return command;
  }

  private static ToygresException failure(
      InstanceMetadata meta, PostgresInstallation inst, String why, Throwable cause) {
    return new ToygresException(
        500,
        "Cannot start instance '"
            + meta.name()
            + "' (PostgreSQL "
            + inst.version()
            + ") on port "
            + meta.port()
            + ": "
            + why,
        cause);
  }

  private static String tail(Path log, long from) {
    try (RandomAccessFile raf = new RandomAccessFile(log.toFile(), "r")) {
      long start = Math.max(from, raf.length() - 16 * 1024);
      byte[] bytes = new byte[(int) Math.max(0, raf.length() - start)];
      raf.seek(start);
      raf.readFully(bytes);
      String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n");
      return String.join(
          "\n", List.of(lines).subList(Math.max(0, lines.length - 40), lines.length));
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }
}
