package dev.toygres.controlplane.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Debian's Prometheus ({@code prometheus} and {@code promtool}) for the monitoring tests, and a
 * Prometheus server started on loopback with the example configuration and the alert rules shipped
 * in {@code monitoring/prometheus/} (docs/monitoring.md). {@link #close()} stops the server it
 * started (by its process handle); its directory, under {@code target/}, goes at the JVM's exit
 * ({@link TestDirectories}).
 */
public final class Prometheus implements AutoCloseable {
  public static final Path PROMETHEUS =
      Path.of(System.getProperty("toygres.prometheus", "/usr/bin/prometheus"));
  public static final Path PROMTOOL =
      Path.of(System.getProperty("toygres.promtool", "/usr/bin/promtool"));
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Process process;
  private final Path dir;
  private final String base;

  private Prometheus(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.base = "http://127.0.0.1:" + port;
  }

  /** The repository's {@code monitoring/prometheus} directory, found from the working directory. */
  public static Path shipped() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path m = p.resolve("monitoring").resolve("prometheus");
      if (Files.isRegularFile(m.resolve("toygres-alerts.yml"))) {
        return m;
      }
    }
    throw new IllegalStateException(
        "no monitoring/prometheus/toygres-alerts.yml above " + Path.of("").toAbsolutePath());
  }

  /**
   * Skips a test class ({@code @ExtendWith(Prometheus.Required.class)}) when Prometheus is not
   * installed, unless this is CI ({@code CI=true}), where {@link #requireInstalled()} fails it.
   */
  public static final class Required implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      String missing = missing();
      if (missing == null || inCi()) {
        return ConditionEvaluationResult.enabled("Prometheus is installed, or this is CI");
      }
      return ConditionEvaluationResult.disabled(missing + ": the monitoring tests are skipped");
    }
  }

  /** Fails when Prometheus is not installed (in CI, where the monitoring tests must run). */
  public static void requireInstalled() {
    String missing = missing();
    if (missing != null) {
      Assertions.fail(missing + (inCi() ? ": CI must run the monitoring tests" : ""));
    }
  }

  private static boolean inCi() {
    return "true".equals(System.getenv("CI"));
  }

  private static String missing() {
    if (Files.isExecutable(PROMETHEUS) && Files.isExecutable(PROMTOOL)) {
      return null;
    }
    return "no Prometheus here ("
        + PROMETHEUS
        + " or "
        + PROMTOOL
        + " is missing; install Debian's prometheus)";
  }

  /** What a finished command printed, and its exit code. */
  public record Run(int exitCode, String output) {}

  /** Runs {@code promtool args...} in {@code workDir}; fails the test if it runs over 2 minutes. */
  public static Run promtool(Path workDir, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(PROMTOOL.toString()));
    command.addAll(List.of(args));
    Path out =
        Files.createTempFile(
            Files.createDirectories(Path.of("target").toAbsolutePath()), "promtool-", ".out");
    Process p =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    try {
      if (!p.waitFor(2, TimeUnit.MINUTES)) {
        Assertions.fail("promtool " + String.join(" ", args) + " ran over 2 minutes");
      }
      return new Run(p.exitValue(), Files.readString(out));
    } finally {
      p.destroyForcibly();
      Files.deleteIfExists(out);
    }
  }

  /**
   * Starts Prometheus on {@code 127.0.0.1:port} in a fresh directory under {@code target/}, with
   * the shipped example configuration ({@code monitoring/prometheus/prometheus.yml}) made to scrape
   * {@code target} and evaluate the shipped rules every second, and waits until it is ready.
   */
  public static Prometheus start(int port, String target) throws IOException, InterruptedException {
    Path dir = TestDirectories.create("prometheus");
    Path shipped = shipped();
    String config = Files.readString(shipped.resolve("prometheus.yml"));
    config = replace(config, "scrape_interval: 15s", "scrape_interval: 1s");
    config = replace(config, "evaluation_interval: 15s", "evaluation_interval: 1s");
    config = replace(config, "'127.0.0.1:8080'", "'" + target + "'");
    Files.writeString(dir.resolve("prometheus.yml"), config);
    Files.copy(shipped.resolve("toygres-alerts.yml"), dir.resolve("toygres-alerts.yml"));
    Process p =
        new ProcessBuilder(
                PROMETHEUS.toString(),
                "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.log").toFile())
            .start();
    Prometheus started = new Prometheus(p, dir, port);
    try {
      started.awaitReady();
      return started;
    } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
      started.close();
      throw e;
    }
  }

  private static String replace(String text, String what, String with) {
    if (!text.contains(what)) {
      throw new IllegalStateException("the example prometheus.yml no longer has " + what);
    }
    return text.replace(what, with);
  }

  private void awaitReady() throws IOException, InterruptedException {
    Instant until = Instant.now().plusSeconds(30);
    while (Instant.now().isBefore(until)) {
      if (!process.isAlive()) {
        Assertions.fail("prometheus exited: " + log());
      }
      try {
        HttpResponse<String> r =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/-/ready")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    Assertions.fail("prometheus not ready within 30 s: " + log());
  }

  /** Prometheus's own log so far. */
  public String log() {
    try {
      return Files.readString(dir.resolve("prometheus.log"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** {@code GET /api/v1/...}: the response's {@code data}, failing unless its status is success. */
  public JsonNode api(String path) throws IOException, InterruptedException {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/api/v1/" + path))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    JsonNode body = JSON.readTree(r.body());
    if (r.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
      Assertions.fail("GET /api/v1/" + path + ": " + r.statusCode() + " " + r.body());
    }
    return body.get("data");
  }

  /** The result of an instant query. */
  public JsonNode query(String promql) throws IOException, InterruptedException {
    return api("query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).get("result");
  }

  /** The pid of the Prometheus server this started. */
  public long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    try {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** For messages: where this Prometheus runs. */
  @Override
  public String toString() {
    return "Prometheus[" + base + ", pid " + process.pid() + ", " + dir + "]";
  }
}
