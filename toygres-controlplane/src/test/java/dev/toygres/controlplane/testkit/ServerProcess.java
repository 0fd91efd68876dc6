package dev.toygres.controlplane.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code toygres server} in a child JVM (the test classpath), on a given data directory and port,
 * so a test can kill it with SIGKILL and start it again. Its output goes to a log file next to the
 * data directory.
 */
public final class ServerProcess implements AutoCloseable {
  private final Process process;
  private final int port;

  private ServerProcess(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Starts the server and returns once it listens (or throws with its log). */
  public static ServerProcess start(
      Path dataDir, int port, int firstInstancePort, String... extraArgs) throws Exception {
    return start(dataDir, port, firstInstancePort, java.util.Map.of(), extraArgs);
  }

  /** As {@link #start(Path, int, int, String...)}, with more environment variables. */
  public static ServerProcess start(
      Path dataDir,
      int port,
      int firstInstancePort,
      java.util.Map<String, String> env,
      String... extraArgs)
      throws Exception {
    String javaBin = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                javaBin,
                "-cp",
                System.getProperty("java.class.path"),
                "dev.toygres.controlplane.cli.ToygresCli",
                "server",
                "--data-dir",
                dataDir.toString(),
                "--port",
                Integer.toString(port),
                "--health-interval",
                "1s",
                "--probe-timeout",
                "2s",
                "--instance-ports",
                firstInstancePort + "-" + (firstInstancePort + 99)));
    cmd.addAll(List.of(extraArgs));
    Path log = dataDir.resolveSibling(dataDir.getFileName() + "-server.log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("TOYGRES_ADMIN_TOKEN", TestServer.TOKEN);
    pb.environment().putAll(env);
    Process p = pb.start();
    CountDownLatch listening = new CountDownLatch(1);
    Thread pump =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  Files.writeString(
                      log,
                      line + "\n",
                      StandardCharsets.UTF_8,
                      java.nio.file.StandardOpenOption.CREATE,
                      java.nio.file.StandardOpenOption.APPEND);
                  if (line.contains("listening on")) {
                    listening.countDown();
                  }
                }
              } catch (IOException ignored) {
                // the process ended
              }
            },
            "server-output-" + port);
    pump.setDaemon(true);
    pump.start();
    if (!listening.await(120, TimeUnit.SECONDS) || !p.isAlive()) {
      p.destroyForcibly();
      throw new IllegalStateException(
          "server did not start; its log: "
              + (Files.exists(log) ? Files.readString(log) : "(none)"));
    }
    return new ServerProcess(p, port);
  }

  public Api api() {
    return new Api("http://127.0.0.1:" + port, TestServer.TOKEN);
  }

  /** SIGKILL: no shutdown hook runs. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM: the server shuts down gracefully. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
