package dev.toygres.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Servers run as the unprivileged OS user toygres-pg (the control plane's default instance user)
 * from a root JVM, as in CI. Skipped when this JVM is not root: only root may switch users.
 */
class RunAsIT {

  private static final String USER = "toygres-pg";
  private static final Set<PosixFilePermission> SEARCH_ONLY =
      PosixFilePermissions.fromString("rwx--x--x");

  private static OsUser user;

  private final List<PostgresServer> servers = new ArrayList<>();
  private Path base;

  @BeforeAll
  static void asRoot() {
    assumeTrue(OsUser.current().isRoot(), "running servers as another OS user needs a root JVM");
    user = OsUser.ensureSystemUser(USER);
  }

  /**
   * A fresh directory under target/. The servers run as toygres-pg, which must be able to pass
   * through every directory above their data and socket directories: target/ is created by Maven
   * with the umask's mode (so it may lack o+x), hence target/ and the directories made here get at
   * least search permission for others (0711: enter, not list).
   */
  @BeforeEach
  void freshDirectory() throws IOException {
    Path target = Path.of("target").toAbsolutePath().normalize();
    for (Path p = target.getParent(); p != null; p = p.getParent()) {
      assumeTrue(
          Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE),
          "toygres-pg cannot enter " + p + ", which holds this checkout");
    }
    allowSearch(target);
    Path root = Files.createDirectories(target.resolve("it-runas"));
    allowSearch(root);
    base = Files.createTempDirectory(root, "t");
    Files.setPosixFilePermissions(base, SEARCH_ONLY);
  }

  @AfterEach
  void stopAndRemoveEverything() throws IOException {
    try {
      servers.forEach(PostgresServer::stop);
      PostgresServer.attach(base.resolve("data")).ifPresent(PostgresServer::stop);
    } finally {
      try (Stream<Path> paths = Files.walk(base)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(path);
        }
      }
    }
  }

  @AfterAll
  static void removeTheParentIfEmpty() throws IOException {
    Path root = Path.of("target", "it-runas");
    if (Files.isDirectory(root)) {
      try (Stream<Path> left = Files.list(root)) {
        if (left.findAny().isEmpty()) {
          Files.delete(root);
        }
      }
    }
  }

  private PostgresServer track(PostgresServer server) {
    servers.add(server);
    return server;
  }

  @Test
  void serverRunsAsItsOsUserWithPrivateFilesAndACleanEnvironment() throws Exception {
    Path data = base.resolve("data");
    Path sock = base.resolve("sock");
    PostgresServer server =
        track(
                PostgresServer.builder()
                    .runAs(user)
                    .dataDir(data)
                    .unixSocketDirectory(sock)
                    .password("s3cret")
                    .build())
            .start();
    long pid = server.pid();

    Map<String, String> status = Proc.status(pid);
    String uid = Integer.toString(user.uid());
    String gid = Integer.toString(user.gid());
    assertThat(user.uid()).isNotZero();
    assertThat(status.get("Uid")).as("real, effective, saved, fs uid").isEqualTo(repeat4(uid));
    assertThat(status.get("Gid")).isEqualTo(repeat4(gid));
    assertThat(status.get("Groups")).isEmpty();
    assertThat(status.get("CapEff")).matches("0+");
    assertThat(status.get("NoNewPrivs")).isEqualTo("1");
    assertThat(Proc.environ(pid))
        .as("nothing of this JVM's environment")
        .containsOnlyKeys("PATH", "LC_ALL");

    assertOwnedByUserAndPrivate(data);
    assertThat(Proc.uid(base.resolve("data.log"))).isZero();
    assertThat(Proc.mode(base.resolve("data.log"))).isEqualTo(0600);
    assertThat(Proc.uid(sock)).isEqualTo(user.uid());
    assertThat(Proc.mode(sock)).isEqualTo(0700);
    assertThat(base)
        .isDirectoryNotContaining(p -> p.getFileName().toString().startsWith(".pwfile"));

    String url = PostgresSockets.jdbcUrl(sock, server.port(), "postgres");
    assertThat(Sql.query(url, "postgres", "s3cret", "SELECT 1")).isEqualTo("1");
    String loaded = Sql.query(url, "postgres", "s3cret", "SELECT pg_conf_load_time()");
    server.reload(); // root signals the other user's postmaster
    awaitReloadAfter(url, loaded);

    PostgresServer attached = PostgresServer.attach(data).orElseThrow();
    assertThat(attached.pid()).isEqualTo(pid);
    assertThat(attached.socketDirectory()).isEqualTo(sock);
    assertThat(attached.isRunning()).isTrue();
    attached.stop();
    assertThat(server.isRunning()).isFalse();
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(PostgresServer.attach(data)).isEmpty();
  }

  @Test
  void dataDirectoryOfTheDefaultModeIsTakenOverWithItsData() throws Exception {
    Path data = base.resolve("data");
    PostgresServer before = track(PostgresServer.builder().dataDir(data).build()).start();
    Sql.execute(
        before.jdbcUrl("postgres"),
        "postgres",
        null,
        "CREATE TABLE kept (v text)",
        "INSERT INTO kept VALUES ('hello')");
    before.stop();
    assertThat(Proc.uid(data)).as("initialized by root in a user namespace").isZero();

    PostgresServer after =
        track(
                PostgresServer.builder()
                    .runAs(user)
                    .dataDir(data)
                    .unixSocketDirectory(base.resolve("sock"))
                    .build())
            .start();

    assertThat(Proc.status(after.pid()).get("Uid")).startsWith(user.uid() + " ");
    try (Stream<Path> paths = Files.walk(data)) {
      assertThat(paths.filter(p -> uncheckedUid(p) != user.uid())).isEmpty();
    }
    assertThat(Sql.query(after.socketJdbcUrl("postgres"), "postgres", null, "SELECT v FROM kept"))
        .isEqualTo("hello");
  }

  @Test
  void unreachableDirectoriesAreNamedInTheError() throws Exception {
    Path closed = Files.createDirectory(base.resolve("closed"));
    Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));

    PostgresServer behindClosed =
        track(PostgresServer.builder().runAs(user).dataDir(closed.resolve("data")).build());
    assertThatThrownBy(behindClosed::start)
        .isInstanceOf(PostgresException.class)
        .hasMessageContaining("cannot reach the data directory " + closed.resolve("data"))
        .hasMessageContaining("may not enter " + closed + " (owner uid 0, mode 0700)");
    assertThat(behindClosed.isRunning()).isFalse();

    PostgresServer socketBehindClosed =
        track(
            PostgresServer.builder()
                .runAs(user)
                .dataDir(base.resolve("data"))
                .unixSocketDirectory(closed.resolve("sock"))
                .build());
    assertThatThrownBy(socketBehindClosed::start)
        .isInstanceOf(PostgresException.class)
        .hasMessageContaining("cannot reach the Unix socket directory")
        .hasMessageContaining("may not enter " + closed);
  }

  @Test
  void ensureSystemUserIsSafeWhenJvmsRace() throws Exception {
    String name = "toygres-it-" + ThreadLocalRandom.current().nextInt(100_000, 1_000_000);
    assertThat(OsUser.find(name)).isEmpty();
    Path start = base.resolve("start");
    List<Path> outputs =
        List.of(base.resolve("c1.out"), base.resolve("c2.out"), base.resolve("c3.out"));
    List<Process> children = new ArrayList<>();
    try {
      for (Path out : outputs) {
        children.add(child(name, start, out));
      }
      for (Path out : outputs) {
        awaitLine(out, "READY");
      }
      Files.createFile(start); // all children call ensureSystemUser at once
      for (Process child : children) {
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isZero();
      }
      OsUser created = OsUser.find(name).orElseThrow();
      assertThat(created.uid()).isNotZero();
      for (Path out : outputs) {
        assertThat(out).content().contains("UID " + created.uid());
      }
      assertThat(OsUser.ensureSystemUser(name)).isEqualTo(created);
    } finally {
      children.forEach(Process::destroyForcibly);
      new ProcessBuilder("userdel", name).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
    }
    assertThat(OsUser.find(name)).isEmpty();
  }

  private static Process child(String name, Path start, Path out) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            EnsureUserChild.class.getName(),
            name,
            start.toString())
        .redirectErrorStream(true)
        .redirectOutput(out.toFile())
        .start();
  }

  private static void awaitLine(Path out, String line) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(out) || !Files.readAllLines(out).contains(line)) {
      assertThat(System.nanoTime()).as("child ready in time").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private static void awaitReloadAfter(String url, String loaded) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (loaded.equals(Sql.query(url, "postgres", "s3cret", "SELECT pg_conf_load_time()"))) {
      assertThat(System.nanoTime()).as("configuration reloaded in time").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private void assertOwnedByUserAndPrivate(Path data) throws IOException {
    try (Stream<Path> paths = Files.walk(data)) {
      for (Path path : paths.toList()) {
        assertThat(Proc.uid(path)).as("owner of %s", path).isEqualTo(user.uid());
        assertThat(Proc.mode(path))
            .as("mode of %s", path)
            .isEqualTo(Files.isDirectory(path) ? 0700 : 0600);
      }
    }
  }

  private static int uncheckedUid(Path path) {
    try {
      return Proc.uid(path);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String repeat4(String id) {
    return String.join(" ", id, id, id, id);
  }

  private static void allowSearch(Path dir) throws IOException {
    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(dir);
    if (!permissions.contains(PosixFilePermission.OTHERS_EXECUTE)) {
      permissions.add(PosixFilePermission.GROUP_EXECUTE);
      permissions.add(PosixFilePermission.OTHERS_EXECUTE);
      Files.setPosixFilePermissions(dir, permissions);
    }
  }
}
