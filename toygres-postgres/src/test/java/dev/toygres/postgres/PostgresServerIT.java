package dev.toygres.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.toygres.postgres.internal.RootWrapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresServerIT {

  @TempDir Path dir;

  private final List<PostgresServer> servers = new ArrayList<>();

  @AfterEach
  void stopEverything() {
    servers.forEach(PostgresServer::stop);
    PostgresServer.attach(dir.resolve("data")).ifPresent(PostgresServer::stop);
    if (Files.isDirectory(dir.resolve("data"))) {
      PostgresServer.terminate(dir.resolve("data"), java.time.Duration.ofSeconds(3));
    }
  }

  private PostgresServer server(PostgresServerBuilder builder) {
    PostgresServer server = builder.dataDir(dir.resolve("data")).build();
    servers.add(server);
    return server;
  }

  private void assertRunsAndStops(PostgresServer server, int major) throws Exception {
    server.start();
    assertThat(server.isRunning()).isTrue();
    String url = server.jdbcUrl("postgres");
    assertThat(Sql.query(url, "postgres", null, "SHOW server_version")).startsWith(major + ".");
    assertThat(
            Path.of(Sql.query(url, "postgres", null, "SELECT current_setting('data_directory')")))
        .isEqualTo(server.dataDir());
    assertThat(Sql.query(url, "postgres", null, "SHOW listen_addresses")).isEqualTo("127.0.0.1");
    assertThat(Sql.query(url, "postgres", null, "SHOW unix_socket_directories")).isEmpty();
    assertThat(Proc.environ(server.pid()))
        .as("nothing of this JVM's environment")
        .containsOnly(entry("PATH", "/usr/bin:/bin"), entry("LC_ALL", "C"));
    String uidMap = Files.readString(Path.of("/proc", Long.toString(server.pid()), "uid_map"));
    if (RootWrapper.isRoot()) {
      assertThat(uidMap.trim().split("\\s+"))
          .as("runs as uid 1000 in a user namespace")
          .containsExactly("1000", "0", "1");
    }
    long pid = server.pid();
    server.stop();
    assertThat(server.isRunning()).isFalse();
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(server.dataDir().resolve("postmaster.pid")).doesNotExist();
    assertThat(dir.resolve("data.log")).content().contains("database system is shut down");
  }

  @Test
  void startsAndStopsDefault18() throws Exception {
    assertRunsAndStops(server(PostgresServer.builder()), 18);
  }

  @Test
  void startsAndStops17() throws Exception {
    assertRunsAndStops(
        server(PostgresServer.builder().installation(PostgresInstallations.forMajor(17))), 17);
  }

  @Test
  void startsAndStopsSystem15() throws Exception {
    assumeTrue(
        Files.isDirectory(Path.of("/usr/lib/postgresql/15/bin")),
        "system PostgreSQL 15 not installed");
    assertRunsAndStops(
        server(PostgresServer.builder().installation(PostgresInstallations.forMajor(15))), 15);
  }

  @Test
  void dataSurvivesRestart() throws Exception {
    PostgresServer first = server(PostgresServer.builder()).start();
    Sql.execute(
        first.jdbcUrl("postgres"),
        "postgres",
        null,
        "CREATE TABLE kept (v text)",
        "INSERT INTO kept VALUES ('hello')");
    first.stop();

    PostgresServer second = server(PostgresServer.builder()).start();
    assertThat(Sql.query(second.jdbcUrl("postgres"), "postgres", null, "SELECT v FROM kept"))
        .isEqualTo("hello");
  }

  @Test
  void passwordAuthenticationIsEnforced() throws Exception {
    PostgresServer server =
        server(PostgresServer.builder().superuser("admin").password("s3cret")).start();
    String url = server.jdbcUrl("postgres");

    assertThat(Sql.query(url, "admin", "s3cret", "SELECT current_user")).isEqualTo("admin");
    assertThatThrownBy(() -> Sql.query(url, "admin", "wrong", "SELECT 1"))
        .isInstanceOf(SQLException.class)
        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("28P01"));
    assertThat(Files.readString(server.dataDir().resolve("pg_hba.conf")))
        .contains("scram-sha-256")
        .doesNotContain("trust\n");
  }

  @Test
  void attachByDataDirStopsARunningServer() throws Exception {
    assertThat(PostgresServer.attach(dir.resolve("data"))).isEmpty();
    PostgresServer server = server(PostgresServer.builder()).start();

    PostgresServer attached = PostgresServer.attach(dir.resolve("data")).orElseThrow();
    assertThat(attached.pid()).isEqualTo(server.pid());
    assertThat(attached.port()).isEqualTo(server.port());
    assertThat(attached.isRunning()).isTrue();
    assertThat(Sql.query(attached.jdbcUrl("postgres"), "postgres", null, "SELECT 1"))
        .isEqualTo("1");
    assertThatThrownBy(attached::start).isInstanceOf(IllegalStateException.class);

    attached.stop();
    assertThat(attached.isRunning()).isFalse();
    assertThat(server.isRunning()).isFalse();
    assertThat(PostgresServer.attach(dir.resolve("data"))).isEmpty();
  }

  @Test
  void startStopsAServerThatWasLeftRunning() throws Exception {
    PostgresServer forgotten = server(PostgresServer.builder()).start();
    PostgresServer next = server(PostgresServer.builder()).start();

    assertThat(forgotten.isRunning()).isFalse();
    assertThat(next.isRunning()).isTrue();
    assertThat(next.pid()).isNotEqualTo(forgotten.pid());
  }

  @Test
  void startCopesWithStalePidFiles() throws Exception {
    PostgresServer server = server(PostgresServer.builder()).start();
    server.stop();
    Path pidFile = server.dataDir().resolve("postmaster.pid");

    Process dead = new ProcessBuilder("true").start();
    dead.waitFor();
    Files.writeString(
        pidFile,
        dead.pid() + "\n" + server.dataDir() + "\n0\n5432\n\n127.0.0.1\n",
        StandardCharsets.UTF_8);
    server.start();
    server.stop();

    long notPostgres = ProcessHandle.current().pid(); // alive, but not a postgres for this data dir
    Files.writeString(
        pidFile, notPostgres + "\n" + server.dataDir() + "\n", StandardCharsets.UTF_8);
    server.start();
    assertThat(server.isRunning()).isTrue();
    assertThat(ProcessHandle.current().isAlive()).isTrue();
  }

  @Test
  void terminateEndsAKilledServerWithTheArchiveCommandItWasRunning() throws Exception {
    PostgresServer server =
        server(
                PostgresServer.builder()
                    .setting("archive_mode", "on")
                    .setting("archive_command", "sleep 600; false"))
            .start();
    Path data = server.dataDir();
    Sql.execute(
        server.jdbcUrl("postgres"),
        "postgres",
        null,
        "CREATE TABLE t (v int)",
        "INSERT INTO t VALUES (1)",
        "SELECT pg_switch_wal()");
    List<Long> archiving = awaitOtherThanPostgresIn(data);
    ProcessHandle.of(server.pid()).orElseThrow().destroyForcibly();

    PostgresServer.terminate(data, java.time.Duration.ofSeconds(3)); // throws if a process is left
    assertThat(archiving).as("the archive_command's processes").noneMatch(Proc::running);
    assertThat(Proc.workingIn(data)).as("no process works in the data directory").isEmpty();
    assertThat(PostgresServer.processes(data)).isEmpty();
  }

  /** The archive_command's processes (sh, sleep): in the data directory, not postgres. */
  private static List<Long> awaitOtherThanPostgresIn(Path data) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      List<Long> others = new ArrayList<>();
      for (long pid : Proc.workingIn(data)) {
        if (!Proc.exe(pid).endsWith("/postgres")) {
          others.add(pid);
        }
      }
      if (!others.isEmpty()) {
        return others;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the archive_command did not start in " + data);
  }

  @Test
  void failedStartExplainsWithTheLogTail() {
    PostgresServer server = server(PostgresServer.builder().setting("shared_buffers", "bogus"));
    assertThatThrownBy(server::start)
        .isInstanceOf(PostgresException.class)
        .hasMessageContaining("exited")
        .hasMessageContaining("shared_buffers");
    assertThat(server.isRunning()).isFalse();
  }
}
