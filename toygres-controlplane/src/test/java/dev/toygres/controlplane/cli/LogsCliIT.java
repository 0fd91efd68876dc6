package dev.toygres.controlplane.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toygres.controlplane.testkit.TestServer;
import dev.toygres.testkit.TestHttpClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * An instance's PostgreSQL log through {@code GET /api/instances/{name}/logs} and {@code toygres
 * logs} of a real server: the last N lines, only the lines written after a cursor, bad parameters
 * refused with 400 and an unknown instance with 404, and {@code --follow} printing a line written
 * while it runs.
 */
class LogsCliIT {
  private static final Duration WAIT = Duration.ofMinutes(3);
  private static final String PASSWORD = "logs-cli-secret-1";
  private static TestServer server;
  private static String url;
  private static TestHttpClient api;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start("logs-cli", 52502);
    url = "http://127.0.0.1:" + server.server().port();
    api = server.api();
    TestHttpClient.Response r =
        api.post("/api/instances", "{\"name\":\"logs\",\"password\":\"" + PASSWORD + "\"}");
    assertThat(r.status()).as(r.raw()).isEqualTo(202);
    await()
        .atMost(WAIT)
        .until(() -> "running".equals(api.get("/api/instances/logs").body().get("state").asText()));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static void tenantError(String column) {
    int port = api.get("/api/instances/logs").body().get("data_plane").get("port").asInt();
    try (Connection c =
        DriverManager.getConnection(
            "jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", PASSWORD)) {
      c.createStatement().execute("SELECT " + column);
      throw new AssertionError("expected an error");
    } catch (SQLException expected) {
      // logged by the server
    }
  }

  private static List<String> lines(JsonNode answer) {
    List<String> out = new ArrayList<>();
    answer.get("members").get(0).get("lines").forEach(l -> out.add(l.asText()));
    return out;
  }

  @Test
  void theApiGivesTheLastLinesThenOnlyThoseWrittenAfterItsCursor() {
    JsonNode all = api.get("/api/instances/logs/logs").body();
    assertThat(all.get("instance").asText()).isEqualTo("logs");
    assertThat(all.get("members")).hasSize(1);
    assertThat(all.get("members").get(0).get("role").asText()).isEqualTo("primary");
    assertThat(String.join("\n", lines(all))).contains("ready to accept connections");
    // Setting the instance's access reloaded it; the reload finds nothing to complain about (the
    // file's settings are those the server was started with).
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                String.join("\n", lines(api.get("/api/instances/logs/logs").body()))
                    .contains("received SIGHUP"));
    assertThat(String.join("\n", lines(api.get("/api/instances/logs/logs").body())))
        .doesNotContain("cannot be changed without restarting")
        .doesNotContain("contains errors");

    tenantError("first_missing_column");
    tenantError("second_missing_column");
    JsonNode two = api.get("/api/instances/logs/logs?tail=2").body();
    assertThat(lines(two)).hasSize(2);
    // Other lines (a checkpoint's, say) may come between: only the tenant's errors are compared.
    assertThat(errors(lines(api.get("/api/instances/logs/logs?tail=10").body())))
        .containsSubsequence("first_missing_column", "second_missing_column");

    String cursor = api.get("/api/instances/logs/logs").body().get("cursor").asText();
    assertThat(cursor).matches("0-\\d+");
    assertThat(errors(lines(api.get("/api/instances/logs/logs?after=" + cursor).body()))).isEmpty();
    tenantError("third_missing_column");
    JsonNode next = api.get("/api/instances/logs/logs?after=" + cursor).body();
    assertThat(errors(lines(next))).containsExactly("third_missing_column");
  }

  /** The columns named by the tenant's errors in {@code lines}, in order. */
  private static List<String> errors(List<String> lines) {
    List<String> out = new ArrayList<>();
    java.util.regex.Pattern column =
        java.util.regex.Pattern.compile("column \"(\\w+_missing_column)\"");
    for (String l : lines) {
      java.util.regex.Matcher m = column.matcher(l);
      if (m.find()) {
        out.add(m.group(1));
      }
    }
    return out;
  }

  @Test
  void badParametersAre400AndAnUnknownInstance404() {
    for (String bad : new String[] {"tail=0", "tail=10001", "tail=lots", "after=yesterday"}) {
      TestHttpClient.Response r = api.get("/api/instances/logs/logs?" + bad);
      assertThat(r.status()).as(bad + ": " + r.raw()).isEqualTo(400);
      assertThat(r.error()).isNotBlank();
    }
    TestHttpClient.Response unknown = api.get("/api/instances/no-such-instance/logs");
    assertThat(unknown.status()).as(unknown.raw()).isEqualTo(404);
  }

  @Test
  void theCommandPrintsTheLastLinesAndFollowPrintsALineWrittenWhileItRuns() throws Exception {
    CliRun three = CliRun.of("logs", "logs", "--tail", "3", "--server", url, "--token", token());
    assertThat(three.exitCode()).as(three.toString()).isZero();
    assertThat(three.out().lines()).hasSize(3);

    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = ToygresCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int[] code = {-1};
    Thread follower =
        new Thread(
            () ->
                code[0] =
                    cli.execute(
                        "logs",
                        "logs",
                        "--tail",
                        "1",
                        "--follow",
                        "--interval",
                        "200ms",
                        "--server",
                        url,
                        "--token",
                        token()),
            "logs-follow");
    follower.start();
    try {
      await().atMost(WAIT).until(() -> !out.toString().isEmpty());
      tenantError("followed_missing_column");
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(out.toString())
                      .as(err.toString())
                      .contains("followed_missing_column"));
    } finally {
      follower.interrupt();
      follower.join(30_000);
    }
    assertThat(follower.isAlive()).isFalse();
    assertThat(code[0]).as(err.toString()).isZero();
    assertThat(out.toString().lines().filter(l -> l.contains("followed_missing_column")))
        .hasSize(1);
  }

  private static String token() {
    return TestServer.TOKEN;
  }
}
