package dev.toygres.controlplane.testkit;

import dev.toygres.testkit.TestHttpClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
  private final Path log;

  private ServerProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Starts the server and returns once it listens (or throws with its log). */
  public static ServerProcess start(
      Path dataDir, int port, int firstInstancePort, String... extraArgs) throws Exception {
    return start(dataDir, port, firstInstancePort, Map.of(), extraArgs);
  }

  /**
   * Starts the server with changes to its environment (a null value removes the variable; {@code
   * TOYGRES_ADMIN_TOKEN} is {@link TestServer#TOKEN} unless changed) and returns once it listens,
   * or throws with its log.
   */
  public static ServerProcess start(
      Path dataDir, int port, int firstInstancePort, Map<String, String> env, String... extraArgs)
      throws Exception {
    Path log = dataDir.resolveSibling(dataDir.getFileName() + "-server.log");
    Process p =
        builder(command(dataDir, port, firstInstancePort, extraArgs), env)
            .redirectErrorStream(true)
            .start();
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
    return new ServerProcess(p, port, log);
  }

  /** How a server that refused to start ended: its exit code, stdout and stderr. */
  public record Exit(int code, String out, String err) {
    /** Both streams, for messages and for checking that something appears in neither. */
    public String output() {
      return out + err;
    }
  }

  /**
   * Runs a server that is expected to refuse to start (on port 0, instance ports from 29600) and
   * returns how it ended. If it starts after all, it is stopped and an {@link AssertionError} says
   * so with its output.
   */
  public static Exit runUntilRefused(Path dataDir, Map<String, String> env, String... extraArgs)
      throws Exception {
    Process p = builder(command(dataDir, 0, 29600, extraArgs), env).start();
    p.getOutputStream().close();
    StringBuffer out = new StringBuffer();
    StringBuffer err = new StringBuffer();
    Thread outPump = pump(p.getInputStream(), out);
    Thread errPump = pump(p.getErrorStream(), err);
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (!p.waitFor(100, TimeUnit.MILLISECONDS)) {
        if (out.indexOf("listening on") >= 0 || System.nanoTime() > deadline) {
          throw new AssertionError("server did not refuse to start; its output:\n" + out + err);
        }
      }
      outPump.join(10_000);
      errPump.join(10_000);
      return new Exit(p.exitValue(), out.toString(), err.toString());
    } finally {
      if (p.isAlive()) {
        p.destroy();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
        LeftoverServers.stopAll(dataDir);
      }
    }
  }

  private static Thread pump(InputStream stream, StringBuffer into) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  into.append(line).append('\n');
                }
              } catch (IOException ended) {
                // the process ended
              }
            },
            "refused-server-output");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static List<String> command(
      Path dataDir, int port, int firstInstancePort, String... extraArgs) {
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
    return cmd;
  }

  private static ProcessBuilder builder(List<String> cmd, Map<String, String> env) {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("TOYGRES_ADMIN_TOKEN", TestServer.TOKEN);
    env.forEach(
        (k, v) -> {
          if (v == null) {
            pb.environment().remove(k);
          } else {
            pb.environment().put(k, v);
          }
        });
    return pb;
  }

  /** What the server printed so far (stdout and stderr). */
  public String output() throws IOException {
    return Files.exists(log) ? Files.readString(log) : "";
  }

  public TestHttpClient api() {
    return new TestHttpClient("http://127.0.0.1:" + port, TestServer.TOKEN);
  }

  /** SIGKILL: no shutdown hook runs. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM: the server shuts down gracefully (SIGKILL after a minute, or if interrupted). */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
