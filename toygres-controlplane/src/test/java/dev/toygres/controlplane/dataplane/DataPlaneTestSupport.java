package dev.toygres.controlplane.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.controlplane.config.ServerConfig;
import dev.toygres.controlplane.testkit.TestDirectories;
import dev.toygres.postgres.OsUser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shared set-up of the data plane tests: data planes on a temporary directory with the test port
 * range, tracking of every server pid, and a check after each test that every server it started is
 * gone (no process mentions the temporary directory any more).
 */
abstract class DataPlaneTestSupport {

  static final int FIRST_PORT = 25432;
  static final int LAST_PORT = 25531;
  static final String USER = "admin";
  static final String PASSWORD = "s3cret-Pa55";
  static final ControlSecrets SECRETS = ControlSecrets.generate();

  @TempDir Path tmp;

  private final List<LocalDataPlane> planes = new ArrayList<>();
  private final Set<Long> pids = new HashSet<>();

  LocalDataPlane plane() {
    return plane(FIRST_PORT, LAST_PORT);
  }

  LocalDataPlane plane(int first, int last) {
    OsUser runAs = null;
    if (OsUser.current().isRoot()) {
      // As the server does under root: instance servers run as the unprivileged instance user,
      // who must be able to search its way to its data directory (JUnit makes tmp 0700).
      runAs = OsUser.ensureSystemUser(ServerConfig.DEFAULT_INSTANCE_USER);
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx--x--x"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    LocalDataPlane plane = new LocalDataPlane(tmp.resolve("instances"), first, last, runAs);
    planes.add(plane);
    return plane;
  }

  static ProvisionSpec spec(String name, int version) {
    return new ProvisionSpec(name, version, USER, PASSWORD, SECRETS, 1);
  }

  ServerInfo provision(LocalDataPlane plane, String name, int version) {
    return track(plane.provision(spec(name, version)));
  }

  ServerInfo track(ServerInfo info) {
    if (info.pid() != null) {
      pids.add(info.pid());
    }
    return info;
  }

  Member track(Member m) {
    if (m.pid() != null) {
      track(
          new ServerInfo(m.host(), m.port(), m.dataDir(), null, m.pid(), String.valueOf(m.role())));
    }
    return m;
  }

  static final Duration CATCH_UP = Duration.ofSeconds(60);

  /** Waits until the instance has {@code standbys} standbys and every member is healthy. */
  static List<Member> awaitStreaming(LocalDataPlane plane, String name, int standbys)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(CATCH_UP);
    List<Member> members = plane.members(name, SECRETS);
    while (Instant.now().isBefore(deadline)) {
      members = plane.members(name, SECRETS);
      if (members.size() == standbys + 1
          && members.stream().allMatch(m -> m.health().equals("healthy"))
          && members.stream().skip(1).allMatch(m -> m.lagBytes() != null)) {
        return members;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("standbys not streaming within " + CATCH_UP + ": " + members);
  }

  /** Waits until {@code sql} returns {@code expected} on member {@code m}, as the tenant. */
  static void awaitCount(Member m, String sql, long expected) throws Exception {
    Instant deadline = Instant.now().plus(CATCH_UP);
    String last = null;
    while (Instant.now().isBefore(deadline)) {
      try {
        last = query(m, sql);
        if (String.valueOf(expected).equals(last)) {
          return;
        }
      } catch (SQLException e) {
        last = e.getMessage();
      }
      Thread.sleep(100);
    }
    throw new AssertionError(m.name() + " did not reach " + expected + " for " + sql + ": " + last);
  }

  /** The first column of the first row of {@code sql} on member {@code m}, as the tenant. */
  static String query(Member m, String sql) throws SQLException {
    String url = "jdbc:postgresql://" + m.host() + ":" + m.port() + "/postgres?connectTimeout=10";
    try (Connection c = DriverManager.getConnection(url, USER, PASSWORD);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  /** Sends signal {@code sig} (a name: KILL, STOP, CONT) to each process with the kill command. */
  static void signal(String sig, List<ProcessHandle> processes) throws Exception {
    for (ProcessHandle p : processes) {
      new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid())).start().waitFor();
    }
  }

  @AfterEach
  void deprovisionEverything() {
    List<String> failures = new ArrayList<>();
    for (LocalDataPlane plane : planes) {
      for (String name : plane.provisioned()) {
        try {
          plane.deprovision(name);
        } catch (RuntimeException e) {
          failures.add(name + ": " + e.getMessage());
        }
      }
    }
    Set<Long> leftovers = new HashSet<>(processesUnder(tmp));
    pids.stream().filter(DataPlaneTestSupport::alive).forEach(leftovers::add);
    // Last resort, only for servers this test started (by pid): SIGKILL, and fail the test.
    leftovers.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    // JUnit removes tmp; the planes' socket directories live under /tmp/toygres-<hash of tmp>.
    for (LocalDataPlane plane : planes) {
      try {
        TestDirectories.deleteTree(plane.socketRoot());
      } catch (IOException e) {
        failures.add("socket directory " + plane.socketRoot() + ": " + e.getMessage());
      }
    }
    assertThat(failures).as("deprovision failures").isEmpty();
    assertThat(leftovers).as("servers still running after deprovision").isEmpty();
  }

  /** Binds (and keeps) a port of the test range that nobody else uses. */
  static ServerSocket holdFreePortInRange() throws IOException {
    InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    for (int port = LAST_PORT; port >= FIRST_PORT; port--) {
      try {
        return new ServerSocket(port, 1, loopback);
      } catch (IOException taken) {
        // try the next one
      }
    }
    throw new IOException("no free port in " + FIRST_PORT + "-" + LAST_PORT);
  }

  static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && !isZombie(pid);
  }

  private static boolean isZombie(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (IOException e) {
      return false;
    }
  }

  /** Pids of processes whose command line mentions {@code dir} (what `ps` would show). */
  private static List<Long> processesUnder(Path dir) {
    String needle = dir.toAbsolutePath().toString();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      return procs
          .filter(p -> p.getFileName().toString().matches("\\d+"))
          .filter(
              p -> {
                try {
                  return new String(
                          Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8)
                      .contains(needle);
                } catch (IOException e) {
                  return false;
                }
              })
          .map(p -> Long.parseLong(p.getFileName().toString()))
          .filter(DataPlaneTestSupport::alive)
          .toList();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
