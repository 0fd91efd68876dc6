package dev.toygres.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toygres.postgres.internal.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPostgresIT {

  @TempDir Path dir;

  @AfterEach
  void stopLeftovers() {
    PostgresServer.attach(dir.resolve("pgdata")).ifPresent(PostgresServer::stop);
  }

  @Test
  void startsDurablyAndKeepsPasswordPortAndData() throws Exception {
    String password;
    int port;
    try (EmbeddedPostgres db = EmbeddedPostgres.start(dir)) {
      password = db.password();
      port = db.server().port();
      assertThat(db.user()).isEqualTo("postgres");
      assertThat(db.database()).isEqualTo("toygres");
      assertThat(db.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + port + "/toygres");
      assertPrivate();
      assertThat(Files.readString(dir.resolve("password")).strip()).isEqualTo(password);
      assertThat(Files.readString(dir.resolve("port")).strip()).isEqualTo(Integer.toString(port));
      for (String setting : List.of("fsync", "synchronous_commit", "full_page_writes")) {
        assertThat(Sql.query(db.jdbcUrl(), db.user(), password, "SHOW " + setting)).isEqualTo("on");
      }
      Sql.execute(
          db.jdbcUrl(), db.user(), password, "CREATE TABLE t (v int)", "INSERT INTO t VALUES (7)");
      assertThatThrownBy(() -> Sql.query(db.jdbcUrl(), db.user(), "wrong", "SELECT 1"))
          .hasMessageContaining("password authentication failed");
      assertThatThrownBy(() -> EmbeddedPostgres.start(dir))
          .isInstanceOf(PostgresException.class)
          .hasMessageContaining("in use");
    }
    assertThat(PostgresServer.attach(dir.resolve("pgdata"))).isEmpty();
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    for (String file : List.of("password", "port", "postgres.log")) {
      Files.setPosixFilePermissions(
          dir.resolve(file), PosixFilePermissions.fromString("rw-r--r--"));
    }

    try (EmbeddedPostgres db = EmbeddedPostgres.start(dir)) {
      assertPrivate();
      assertThat(db.password()).isEqualTo(password);
      assertThat(db.server().port()).isEqualTo(port);
      assertThat(Sql.query(db.jdbcUrl(), db.user(), password, "SELECT v FROM t")).isEqualTo("7");
    }
  }

  @Test
  void shutdownHookStopsTheServerWhenTheJvmIsTerminated() throws Exception {
    Process child = startChild();
    long pid;
    try {
      pid = awaitReady(child);
    } finally {
      child.destroy(); // SIGTERM: shutdown hooks run
      child.waitFor(30, TimeUnit.SECONDS);
    }
    assertThat(Processes.awaitExit(pid, Duration.ofSeconds(10))).isTrue();
    assertThat(dir.resolve("pgdata/postmaster.pid")).doesNotExist();
    assertThat(dir.resolve("postgres.log")).content().contains("database system is shut down");
  }

  @Test
  void takesOverFromAJvmThatWasKilled() throws Exception {
    Process child = startChild();
    long orphan;
    try {
      orphan = awaitReady(child);
    } finally {
      child.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no shutdown hook runs
    }
    assertThat(Processes.isPostgresFor(orphan, dir.resolve("pgdata")))
        .as("server outlives its JVM")
        .isTrue();

    try (EmbeddedPostgres db = EmbeddedPostgres.start(dir)) {
      assertThat(Processes.awaitExit(orphan, Duration.ofSeconds(5))).isTrue();
      assertThat(db.server().pid()).isNotEqualTo(orphan);
      assertThat(Sql.query(db.jdbcUrl(), db.user(), db.password(), "SELECT v FROM survivors"))
          .isEqualTo("child");
    }
  }

  @Test
  void restartsAfterTheServerItselfWasKilled() throws Exception {
    try (EmbeddedPostgres db = EmbeddedPostgres.start(dir)) {
      long pid = db.server().pid();
      assertThat(Processes.signal(pid, "KILL")).isTrue();
      assertThat(Processes.awaitExit(pid, Duration.ofSeconds(10))).isTrue();
      assertThat(dir.resolve("pgdata/postmaster.pid")).exists();
    }
    try (EmbeddedPostgres db = EmbeddedPostgres.start(dir)) {
      assertThat(Sql.query(db.jdbcUrl(), db.user(), db.password(), "SELECT 1")).isEqualTo("1");
    }
  }

  @Test
  void serverKilledUnderARunningOwnerIsRestartedOnItsPortWithItsData() throws Exception {
    try (EmbeddedPostgres db = EmbeddedPostgres.start(dir)) {
      assertThat(db.restartIfDead()).as("nothing to do while it runs").isFalse();
      Sql.execute(db.jdbcUrl(), db.user(), db.password(), "CREATE TABLE kept (v int)");
      long pid = db.server().pid();
      int port = db.server().port();
      assertThat(Processes.signal(pid, "KILL")).isTrue();
      assertThat(Processes.awaitExit(pid, Duration.ofSeconds(10))).isTrue();
      // The JVM's process reaper notices the exit a moment after the kernel does.
      long reaped = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (db.isRunning() && System.nanoTime() < reaped) {
        Thread.sleep(20);
      }
      assertThat(db.isRunning()).isFalse();

      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      boolean restarted = false;
      while (!restarted && System.nanoTime() < deadline) {
        try {
          restarted = db.restartIfDead();
        } catch (PostgresException e) {
          Thread.sleep(500); // backends of the dead server may still be exiting
        }
      }

      assertThat(restarted).isTrue();
      assertThat(db.isRunning()).isTrue();
      assertThat(db.server().pid()).isNotEqualTo(pid);
      assertThat(db.server().port()).isEqualTo(port);
      assertThat(db.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + port + "/toygres");
      assertThat(Sql.query(db.jdbcUrl(), db.user(), db.password(), "SELECT count(*) FROM kept"))
          .isEqualTo("0");
    }
  }

  /** The directory 0700 and its secret or revealing files 0600, as they are on every start. */
  private void assertPrivate() throws Exception {
    assertThat(Proc.mode(dir)).isEqualTo(0700);
    for (String file : List.of("password", "port", "postgres.log")) {
      assertThat(Proc.mode(dir.resolve(file))).as(file).isEqualTo(0600);
    }
  }

  private Process startChild() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            EmbeddedPostgresChild.class.getName(),
            dir.toString())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("child.out").toFile())
        .start();
  }

  private long awaitReady(Process child) throws Exception {
    Path out = dir.resolve("child.out");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      if (Files.exists(out)) {
        for (String line : Files.readAllLines(out)) {
          if (line.startsWith("READY ")) {
            return Long.parseLong(line.split(" ")[1]);
          }
        }
      }
      if (!child.isAlive()) {
        throw new AssertionError("child JVM exited early:\n" + Files.readString(out));
      }
      Thread.sleep(100);
    }
    throw new AssertionError("child JVM not ready in time:\n" + Files.readString(out));
  }
}
