package dev.toygres.controlplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.controlplane.testkit.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code create --replicas}, {@code get}'s members and {@code scale} against a real server. */
class ReplicasCliIT {
  private static final String PASSWORD = "Cli s3cret/pw@1";
  private static final Path PSQL = Path.of("/usr/lib/postgresql/15/bin/psql");
  private static TestServer server;
  private static String url;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start("replicas-cli", 38432);
    url = "http://127.0.0.1:" + server.server().port();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      try {
        cli("delete", "cli-rep", "--wait", "--timeout", "1m");
      } finally {
        server.close();
      }
    }
  }

  @Test
  void createWithAReplicaPrintsBothStringsGetShowsTheMembersAndScaleRemovesThem() throws Exception {
    CliRun created =
        CliRun.withInput(
            PASSWORD + "\n",
            withServer(
                "create",
                "cli-rep",
                "--version",
                "18",
                "--replicas",
                "1",
                "--password-stdin",
                "--wait",
                "--timeout",
                "2m"));
    assertThat(created.exitCode()).as(created.toString()).isZero();
    String rw = field(created.out(), "connection");
    assertThat(rw)
        .matches(
            "postgresql://postgres:.+@127\\.0\\.0\\.1:\\d+,127\\.0\\.0\\.1:\\d+"
                + "/postgres\\?target_session_attrs=read-write");
    assertThat(field(created.out(), "read-only connection"))
        .endsWith("target_session_attrs=prefer-standby");
    if (Files.isExecutable(PSQL)) {
      assertThat(psql(rw, "SELECT pg_is_in_recovery()")).isEqualTo("f");
    }

    CliRun got = ok("get", "cli-rep");
    assertThat(got.out()).contains("members", "ROLE", "primary", "standby", "cli-rep-");
    assertThat(got.out()).doesNotContain(PASSWORD);

    CliRun scaled = ok("scale", "cli-rep", "--replicas", "0", "--wait", "--timeout", "2m");
    assertThat(scaled.out()).contains("scaled");
    CliRun after = ok("get", "cli-rep");
    assertThat(after.out()).doesNotContain("standby");
    assertThat(field(after.out(), "connection")).doesNotContain(",");
  }

  @Test
  void synchronousWithoutReplicasIsRefusedBeforeAnythingIsMade() {
    CliRun run =
        CliRun.withInput(
            PASSWORD + "\n", withServer("create", "cli-bad", "--synchronous", "--password-stdin"));
    assertThat(run.exitCode()).as(run.toString()).isNotZero();
    assertThat(run.err()).contains("synchronous");
    assertThat(cli("get", "cli-bad").exitCode()).isNotZero();
  }

  private static CliRun cli(String... args) {
    return CliRun.of(withServer(args));
  }

  private static CliRun ok(String... args) {
    CliRun run = cli(args);
    assertThat(run.exitCode()).as(String.join(" ", args) + "\n" + run).isZero();
    return run;
  }

  private static String[] withServer(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--server", url, "--token", TestServer.TOKEN));
    return all.toArray(String[]::new);
  }

  private static String field(String out, String key) {
    return out.lines()
        .filter(l -> l.startsWith(key + ":"))
        .map(l -> l.substring(key.length() + 1).strip())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no '" + key + "' in:\n" + out));
  }

  private static String psql(String conninfo, String sql) throws Exception {
    Process p =
        new ProcessBuilder(PSQL.toString(), "-XAtq", "-d", conninfo, "-c", sql)
            .redirectErrorStream(true)
            .start();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        throw new AssertionError("psql did not finish");
      }
      return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    } finally {
      p.destroyForcibly();
    }
  }
}
