package dev.toygres.controlplane.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toygres.controlplane.testkit.TestServer;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The CLI against a real server in this JVM, with real PostgreSQL instance servers: every command
 * runs in-process through {@link ToygresCli} and is judged by its exit code and what it printed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliEndToEndIT {
  private static final String TOKEN = TestServer.TOKEN;
  private static final String NAME = "cli-alpha";
  private static final String PASSWORD = "Cli s3cret/pw@1";
  private static final Duration WAIT = Duration.ofSeconds(90);

  private static TestServer server;
  private static String url;
  private static final Set<String> created = new LinkedHashSet<>();
  private static String connection;

  @BeforeAll
  static void start() throws IOException {
    server = TestServer.start("cli", 26432);
    url = "http://127.0.0.1:" + server.server().port();
  }

  /**
   * Deletes every instance this class made, through the CLI; then stops the control plane and any
   * instance server still running under its data directory.
   */
  @AfterAll
  static void stop() {
    if (server == null) {
      return;
    }
    try {
      for (String name : created) {
        deleteEventually(name);
      }
    } finally {
      server.close();
    }
  }

  /** Deletes through the CLI, retrying while the instance is still being created. */
  private static void deleteEventually(String name) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    CliRun run = cli("delete", name, "--wait", "--timeout", "1m");
    while (run.exitCode() != 0
        && run.err().contains("still being created")
        && System.nanoTime() < deadline) {
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      run = cli("delete", name, "--wait", "--timeout", "1m");
    }
  }

  private static CliRun cli(String... args) {
    return CliRun.of(withServer(args));
  }

  /** A run with {@code stdin} as standard input, e.g. for {@code --password-stdin}. */
  private static CliRun cliWithInput(String stdin, String... args) {
    return CliRun.withInput(stdin, withServer(args));
  }

  private static String[] withServer(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--server", url, "--token", TOKEN));
    return all.toArray(String[]::new);
  }

  private static CliRun ok(String... args) {
    CliRun run = cli(args);
    assertThat(run.exitCode()).as(String.join(" ", args) + "\n" + run).isZero();
    return run;
  }

  private static JsonNode json(String... args) throws IOException {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--json");
    return ApiClient.MAPPER.readTree(ok(all.toArray(String[]::new)).out());
  }

  /** The value of a {@code key: value} line of a command's output. */
  private static String field(String out, String key) {
    return out.lines()
        .filter(l -> l.startsWith(key + ":"))
        .map(l -> l.substring(key.length() + 1).strip())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no '" + key + "' in:\n" + out));
  }

  private static String selectOne(String connectionString) throws Exception {
    URI uri = URI.create(connectionString);
    String[] user = uri.getUserInfo().split(":", 2);
    Properties p = new Properties();
    p.setProperty("user", user[0]);
    p.setProperty("password", user[1]);
    p.setProperty("connectTimeout", "5");
    String jdbc = "jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + uri.getPath();
    try (Connection c = DriverManager.getConnection(jdbc, p);
        ResultSet rs = c.createStatement().executeQuery("SELECT current_user || ' ok'")) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  @Order(1)
  void createWaitsShowsProgressAndPrintsAConnectionStringThatConnects() throws Exception {
    created.add(NAME);
    CliRun run =
        cliWithInput(
            PASSWORD + "\n", "create", NAME, "--password-stdin", "--wait", "--timeout", "2m");
    assertThat(run.exitCode()).as(run.toString()).isZero();

    assertThat(field(run.out(), "name")).isEqualTo(NAME);
    assertThat(field(run.out(), "k8s name")).startsWith(NAME + "-");
    assertThat(field(run.out(), "orchestration")).isNotBlank();
    assertThat(field(run.out(), "state")).isEqualTo("running");
    List<String> progress = run.err().lines().toList();
    assertThat(progress)
        .as(run.err())
        .isNotEmpty()
        .allMatch(l -> l.matches("\\s+\\d+\\.\\ds  \\S.*"));
    assertThat(progress.get(progress.size() - 1)).endsWith("  running");
    connection = field(run.out(), "connection");
    assertThat(connection).doesNotContain("****");
    assertThat(selectOne(connection)).isEqualTo("postgres ok");
  }

  @Test
  @Order(2)
  void listShowsTheInstanceAsATableAndAsJson() throws IOException {
    CliRun run = ok("list");

    assertThat(run.out().lines().findFirst().orElseThrow())
        .startsWith("NAME")
        .contains("STATE", "HEALTH", "LAST CHECK", "VERSION", "PORT", "ACTOR");
    assertThat(run.out()).containsPattern("(?m)^" + NAME + "\\s+running\\s+");
    JsonNode items = json("list");
    assertThat(items.isArray()).isTrue();
    assertThat(items.findValuesAsText("name")).contains(NAME);
  }

  @Test
  @Order(3)
  void getShowsTheMaskedConnectionStringTheActorAndTheDataPlane() {
    String out = ok("get", NAME).out();

    assertThat(field(out, "connection")).contains(":****@").doesNotContain(PASSWORD);
    assertThat(out).doesNotContain(PASSWORD);
    assertThat(out).contains("actor:\n").contains("data plane:\n");
    assertThat(field(out, "  kind")).isEqualTo("local");
    assertThat(field(out, "  id")).startsWith("actor-");
  }

  @Test
  @Order(4)
  void healthAndEventsShowWhatTheActorRecorded() {
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> assertThat(ok("health", NAME, "--limit", "5").out()).contains("healthy"));
    CliRun health = ok("health", NAME, "--limit", "2");
    assertThat(health.out().lines().findFirst().orElseThrow()).startsWith("CHECKED");
    assertThat(health.out().lines().count()).isBetween(2L, 3L);

    CliRun events = ok("events", NAME);
    assertThat(events.out().lines().findFirst().orElseThrow()).startsWith("WHEN");
    assertThat(events.out()).contains("running");
  }

  @Test
  @Order(5)
  void stopAndStartWaitForTheirOrchestrations() throws Exception {
    CliRun stop = ok("stop", NAME, "--wait", "--timeout", "1m");
    assertThat(field(stop.out(), "stopped")).startsWith(NAME + " in ");
    assertThat(field(stop.out(), "state")).isEqualTo("stopped");

    CliRun start = ok("start", NAME, "--wait", "--timeout", "1m");
    assertThat(field(start.out(), "state")).isEqualTo("running");
    assertThat(selectOne(connection)).isEqualTo("postgres ok");
  }

  @Test
  @Order(6)
  void actorRestartStartsANewActor() throws IOException {
    String before = json("get", NAME).path("actor").path("id").asText();

    CliRun run = ok("actor", "restart", NAME);

    String after = field(run.out(), "actor");
    assertThat(after).startsWith("actor-").isNotEqualTo(before);
    assertThat(field(run.out(), "previous actor")).isEqualTo(before);
    assertThat(json("get", NAME).path("actor").path("id").asText()).isEqualTo(after);
  }

  @Test
  @Order(7)
  void orchestrationsCanBeListedInspectedAndTheirHistoryRead() throws IOException {
    String createId = json("get", NAME).path("create_orchestration_id").asText();

    CliRun list = ok("orchestrations", "list", "--status", "completed", "--limit", "100");
    assertThat(list.out().lines().findFirst().orElseThrow()).startsWith("ID");
    assertThat(list.out()).contains(createId);
    assertThat(ok("orchestrations", "--status", "running").out()).contains("actor-" + NAME);

    CliRun get = ok("orchestrations", "get", createId);
    assertThat(field(get.out(), "status")).isEqualTo("completed");
    assertThat(field(get.out(), "custom status")).isEqualTo("running");

    CliRun history = ok("orchestrations", "history", createId);
    assertThat(field(history.out(), "execution")).isEqualTo("1");
    assertThat(history.out()).contains("SEQ");
    assertThat(history.out().lines().count()).isGreaterThan(4);
    JsonNode h = json("orchestrations", "history", createId, "--execution", "1");
    assertThat(h.path("events").size()).isGreaterThan(2);
  }

  @Test
  @Order(9)
  void unknownInstanceShortPasswordAndBadTokenExitWithTheServersMessage() {
    CliRun unknown = cli("get", "no-such-instance");
    assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(1);
    assertThat(unknown.err()).startsWith("error: ").contains("no-such-instance");
    assertThat(unknown.out()).isEmpty();

    CliRun shortPassword =
        cliWithInput("short\n", "create", "cli-beta", "--password-stdin", "--wait");
    assertThat(shortPassword.exitCode()).as(shortPassword.toString()).isEqualTo(1);
    assertThat(shortPassword.err()).contains("password is too short");

    CliRun badToken = CliRun.of("list", "--server", url, "--token", "not-the-token");
    assertThat(badToken.exitCode()).as(badToken.toString()).isEqualTo(1);
    assertThat(badToken.err()).contains("invalid bearer token").contains("--token");

    CliRun noSuchOrchestration = cli("orchestrations", "get", "no-such-orchestration");
    assertThat(noSuchOrchestration.exitCode()).isEqualTo(1);
    assertThat(noSuchOrchestration.err()).contains("no-such-orchestration");
  }

  @Test
  @Order(8)
  void waitThatTimesOutExitsWithOneAndLeavesTheOperationRunning() {
    created.add("cli-slow");
    CliRun run =
        cliWithInput(
            PASSWORD + "\n",
            "create",
            "cli-slow",
            "--password-stdin",
            "--wait",
            "--timeout",
            "1ms");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.err())
        .contains("error: gave up waiting after 1ms: orchestration ")
        .contains("toygres orchestrations get ");
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> assertThat(json("get", "cli-slow").path("state").asText()).isEqualTo("running"));
    ok("delete", "cli-slow", "--wait", "--timeout", "1m");
    created.remove("cli-slow");
  }

  @Test
  @Order(10)
  void thePasswordFromTheEnvironmentIsWhatCreateSends() throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp",
                System.getProperty("java.class.path"),
                ToygresCli.class.getName(),
                "create",
                "cli-gamma",
                "--server",
                url,
                "--token",
                TOKEN)
            .redirectErrorStream(true);
    pb.environment().put("TOYGRES_PASSWORD", "short");
    Process p = pb.start();
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      p.destroyForcibly();
    }

    assertThat(p.exitValue()).as(output).isEqualTo(1);
    assertThat(output).as(output).contains("password is too short");
    assertThat(json("list").findValuesAsText("name")).doesNotContain("cli-gamma");
  }

  @Test
  @Order(11)
  void passwordReadsTheNewPasswordBeforeAskingTheServerAndRefusesTheFlag() throws Exception {
    CliRun none = cli("password", NAME);
    assertThat(none.exitCode()).as(none.toString()).isEqualTo(1);
    assertThat(none.err().strip()).isEqualTo("error: " + PasswordInput.NONE);

    CliRun flag = cli("password", NAME, "--password", "New s3cret pw");
    assertThat(flag.exitCode()).as(flag.toString()).isEqualTo(2);
    assertThat(flag.err()).startsWith(PasswordOptions.REFUSED).doesNotContain("New s3cret pw");

    CliRun empty = cliWithInput("\n", "password", NAME, "--password-stdin");
    assertThat(empty.exitCode()).as(empty.toString()).isEqualTo(1);
    assertThat(empty.err()).startsWith("error: --password-stdin: the first line");

    assertThat(selectOne(connection)).isEqualTo("postgres ok");
  }

  @Test
  @Order(12)
  void passwordRotatesTheTenantsPasswordThroughTheControlPlane() throws Exception {
    CliRun run = cliWithInput("N3w-s3cret-pw\n", "password", NAME, "--password-stdin");
    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out().strip())
        .isEqualTo("password of user postgres on instance " + NAME + " changed");
    String old = connection;
    connection = old.replaceFirst("^(postgresql://[^:]+:)[^@]*@", "$1N3w-s3cret-pw@");
    assertThat(selectOne(connection)).isEqualTo("postgres ok");
    assertThatThrownBy(() -> selectOne(old)).isInstanceOf(java.sql.SQLException.class);
  }

  @Test
  @Order(13)
  void createWithUserGivesTheInstanceThatUserAndGetShowsIt() throws Exception {
    created.add("cli-owner");
    CliRun run =
        cliWithInput(
            PASSWORD + "\n",
            "create",
            "cli-owner",
            "--user",
            "app_owner",
            "--password-stdin",
            "--wait",
            "--timeout",
            "2m");
    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(field(run.out(), "connection")).startsWith("postgresql://app_owner:");
    assertThat(selectOne(field(run.out(), "connection"))).isEqualTo("app_owner ok");
    assertThat(field(ok("get", "cli-owner").out(), "user")).isEqualTo("app_owner");
    CliRun bad =
        cliWithInput(PASSWORD + "\n", "create", "cli-bad", "--user", "pg_x", "--password-stdin");
    assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(1);
    assertThat(bad.err()).contains("reserved");
    ok("delete", "cli-owner", "--wait", "--timeout", "1m");
    created.remove("cli-owner");
  }

  @Test
  @Order(20)
  void deleteWaitsAndFreesTheName() {
    CliRun run = ok("delete", NAME, "--wait", "--timeout", "1m");

    assertThat(field(run.out(), "deleted")).startsWith(NAME + " in ");
    assertThat(run.err()).endsWith("  deleted\n");
    created.remove(NAME);
    assertThat(ok("list").out()).doesNotContain(NAME + " ");
    CliRun gone = cli("get", NAME);
    assertThat(gone.exitCode()).isEqualTo(1);
  }
}
