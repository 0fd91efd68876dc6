package dev.toygres.controlplane.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.toygres.controlplane.StateConflictException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Failover and switchover at the local data plane, with real servers and real kills: fencing (also
 * of a frozen server), promotion of the most advanced standby, re-pointing and rebuilding standbys,
 * a clean switchover, and what start, stop and scale do afterwards. Prints the measured durations
 * of promotion and rebuild ("MEASURED").
 */
class FailoverDataPlaneIT extends DataPlaneTestSupport {

  @Test
  void aSynchronousStandbyTakesOverAKilledPrimaryWithEveryAcknowledgedRowOnPostgres18()
      throws Exception {
    LocalDataPlane plane = plane();
    ServerInfo primary = provision(plane, "fo18", 18);
    track(plane.provisionStandby("fo18", 1, SECRETS));
    plane.setSynchronous("fo18", List.of(1), SECRETS);
    awaitStreaming(plane, "fo18", 1);
    Jdbc.execute(primary, USER, PASSWORD, "CREATE TABLE t (v int)");
    int acked = insertOneByOne(primary, 1, 200);

    signal("KILL", List.of(ProcessHandle.of(primary.pid()).orElseThrow()));
    plane.fence("fo18", 0);
    assertThat(processesIn(primary.dataDir())).isEmpty();
    assertThat(plane.standbyPositions("fo18", SECRETS)).containsOnlyKeys(1);

    long started = System.nanoTime();
    Member promoted = track(plane.promote("fo18", 1, List.of(0), SECRETS));
    measured("promote (PostgreSQL 18)", started);
    assertThat(promoted.role()).isEqualTo(Member.PRIMARY);
    assertThat(promoted.ordinal()).isEqualTo(1);
    // From its first commit on, the new primary waits for a standby: with server 0 fenced and not
    // rebuilt yet, a commit waits (SyncRep) instead of being acknowledged unprotected.
    ServerInfo newPrimary = plane.status("fo18").orElseThrow();
    java.util.concurrent.CompletableFuture<Void> waiting =
        java.util.concurrent.CompletableFuture.runAsync(
            () -> {
              try {
                Jdbc.execute(newPrimary, USER, PASSWORD, "INSERT INTO t VALUES (1000)");
              } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
              }
            });
    awaitCount(promoted, "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep'", 1);
    assertThat(waiting).isNotDone();
    // A control plane that crashed after pg_promote but before recording it runs promote again.
    Path roles = tmp.resolve("instances/fo18/roles.json");
    assertThat(Files.readString(roles)).contains("\"primary\" : 1");
    Files.writeString(roles, "{\"primary\": 0, \"fenced\": [0], \"removed\": []}");
    assertThat(plane.promote("fo18", 1, List.of(0), SECRETS).pid()).isEqualTo(promoted.pid());
    assertThat(Files.readString(roles)).contains("\"primary\" : 1");
    started = System.nanoTime();
    Member rebuilt = track(plane.rebuildStandby("fo18", 0, SECRETS));
    measured("rebuild of server 0 as a standby (PostgreSQL 18, fresh instance)", started);
    assertThat(rebuilt.dataDir()).isEqualTo(tmp.resolve("instances/fo18/pgdata"));
    waiting.get(60, java.util.concurrent.TimeUnit.SECONDS);

    ServerInfo now = plane.status("fo18").orElseThrow();
    assertThat(now.port()).isEqualTo(promoted.port());
    assertThat(now.pid()).isEqualTo(promoted.pid());
    assertThat(Jdbc.query(now, USER, PASSWORD, "SELECT count(*) FROM t"))
        .isEqualTo(String.valueOf(acked + 1));
    Jdbc.execute(now, USER, PASSWORD, "INSERT INTO t VALUES (201)"); // waits for standby_0
    List<Member> members = awaitStreaming(plane, "fo18", 1);
    assertThat(members).extracting(Member::ordinal).containsExactly(1, 0);
    assertThat(members).extracting(Member::role).containsExactly("primary", "standby");
    assertThat(members).extracting(Member::timeline).containsExactly(2, 2);
    assertThat(members.get(1).slot()).isEqualTo("standby_0");
    awaitCount(members.get(1), "SELECT count(*) FROM t", acked + 2);
    assertThat(query(members.get(1), "SELECT pg_is_in_recovery()::text")).isEqualTo("true");
    assertThat(Files.readString(promoted.dataDir().resolve("postgresql.auto.conf")))
        .doesNotContain("primary_conninfo")
        .contains("synchronous_standby_names = 'ANY 1 (standby_0)'");

    // Promoting again is a no-op: same server, same process.
    assertThat(plane.promote("fo18", 1, List.of(0), SECRETS).pid()).isEqualTo(promoted.pid());

    // Stop and start act on the new roles.
    plane.stop("fo18");
    assertThat(alive(promoted.pid())).isFalse();
    assertThat(alive(members.get(1).pid())).isFalse();
    ServerInfo again = track(plane.start("fo18"));
    assertThat(again.port()).isEqualTo(promoted.port());
    awaitStreaming(plane, "fo18", 1).forEach(this::track);

    // Ordinal 0 can be scaled away and made again.
    plane.removeStandby("fo18", 0, SECRETS);
    assertThat(plane.members("fo18", SECRETS)).extracting(Member::ordinal).containsExactly(1);
    assertThat(tmp.resolve("instances/fo18/pgdata")).doesNotExist();
    assertThat(tmp.resolve("instances/fo18/instance.json")).exists();
    assertThatThrownBy(() -> plane.provisionStandby("fo18", 1, SECRETS))
        .isInstanceOf(dev.toygres.controlplane.InvalidRequestException.class);
    Member back = track(plane.provisionStandby("fo18", 0, SECRETS));
    awaitCount(back, "SELECT count(*) FROM t", acked + 2);
    awaitStreaming(plane, "fo18", 1);
  }

  @Test
  void aFrozenPrimaryIsFencedWithEveryProcessItStartedOnPostgres17() throws Exception {
    LocalDataPlane plane = plane();
    ServerInfo primary = provision(plane, "frz17", 17);
    List<Long> before = processesIn(primary.dataDir());
    assertThat(before).contains(primary.pid()).hasSizeGreaterThan(1);
    List<ProcessHandle> frozen =
        before.stream().map(ProcessHandle::of).flatMap(java.util.Optional::stream).toList();
    signal("STOP", frozen);
    try {
      plane.fence("frz17", 0);
    } finally {
      signal("CONT", frozen);
    }
    assertThat(processesIn(primary.dataDir())).isEmpty();
    assertThat(before).noneMatch(DataPlaneTestSupport::alive);
    assertThat(plane.members("frz17", SECRETS))
        .extracting(Member::health)
        .containsExactly("fenced");
    assertThatThrownBy(() -> plane.start("frz17"))
        .isInstanceOf(StateConflictException.class)
        .hasMessageContaining("fenced");
    plane.fence("frz17", 0); // idempotent

    plane.unfence("frz17", 0);
    ServerInfo again = track(plane.start("frz17"));
    assertThat(Jdbc.query(again, USER, PASSWORD, "SELECT 1")).isEqualTo("1");
  }

  @Test
  void theMostAdvancedStandbyIsPromotedAndTheLaggingOneCatchesUpFromItOnPostgres15()
      throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/usr/lib/postgresql/15/bin")), "no system PostgreSQL 15");
    LocalDataPlane plane = plane();
    ServerInfo primary = provision(plane, "lag15", 15);
    Member one = track(plane.provisionStandby("lag15", 1, SECRETS));
    Member two = track(plane.provisionStandby("lag15", 2, SECRETS));
    awaitStreaming(plane, "lag15", 2);
    Jdbc.execute(primary, USER, PASSWORD, "CREATE TABLE t (v int, pad text)");
    awaitCount(two, "SELECT count(*) FROM t", 0);

    List<ProcessHandle> receiver = List.of(walReceiverOf(two));
    signal("STOP", receiver);
    try {
      // More WAL than the socket buffers hold, so that standby 2 really falls behind.
      Jdbc.execute(
          primary,
          USER,
          PASSWORD,
          "INSERT INTO t SELECT g, repeat('x', 200) FROM generate_series(1, 50000) g");
      awaitCount(one, "SELECT count(*) FROM t", 50000);
      signal("KILL", List.of(ProcessHandle.of(primary.pid()).orElseThrow()));
      plane.fence("lag15", 0);
    } finally {
      signal("CONT", receiver);
    }
    Map<Integer, Long> positions = plane.standbyPositions("lag15", SECRETS);
    assertThat(positions).containsOnlyKeys(1, 2);
    assertThat(positions.get(1)).isGreaterThan(positions.get(2));

    long started = System.nanoTime();
    Member promoted = track(plane.promote("lag15", 1, List.of(), SECRETS));
    measured("promote (PostgreSQL 15)", started);
    track(plane.repoint("lag15", 2, SECRETS));
    String size = query(promoted, "SELECT pg_size_pretty(pg_database_size(current_database()))");
    started = System.nanoTime();
    track(plane.rebuildStandby("lag15", 0, SECRETS));
    measured(
        "rebuild of server 0 as a standby (PostgreSQL 15, tenant database " + size + ")", started);

    List<Member> members = awaitStreaming(plane, "lag15", 2);
    assertThat(members).extracting(Member::ordinal).containsExactly(1, 0, 2);
    assertThat(members.get(0).pid()).isEqualTo(promoted.pid());
    awaitCount(members.get(2), "SELECT count(*) FROM t", 50000);
    Jdbc.execute(plane.status("lag15").orElseThrow(), USER, PASSWORD, "INSERT INTO t VALUES (0)");
    awaitCount(members.get(2), "SELECT count(*) FROM t", 50001);
    awaitCount(members.get(1), "SELECT count(*) FROM t", 50001);
    assertThat(awaitStreaming(plane, "lag15", 2))
        .extracting(Member::timeline)
        .containsExactly(2, 2, 2);
  }

  @Test
  void aSwitchoverLosesNoRowAndSwapsTheRolesOnPostgres18() throws Exception {
    LocalDataPlane plane = plane();
    ServerInfo primary = provision(plane, "sw18", 18);
    track(plane.provisionStandby("sw18", 1, SECRETS));
    awaitStreaming(plane, "sw18", 1);
    Jdbc.execute(primary, USER, PASSWORD, "CREATE TABLE t (v int)");
    int acked = insertOneByOne(primary, 1, 100);

    long started = System.nanoTime();
    long checkpoint = plane.stopPrimaryCleanly("sw18");
    measured("clean stop of the primary (PostgreSQL 18)", started);
    assertThat(plane.stopPrimaryCleanly("sw18")).isEqualTo(checkpoint);
    assertThat(alive(primary.pid())).isFalse();
    awaitPosition(plane, "sw18", 1, checkpoint);
    started = System.nanoTime();
    Member promoted = track(plane.promote("sw18", 1, List.of(), SECRETS));
    measured("promote after a clean stop (PostgreSQL 18)", started);
    track(plane.rebuildStandby("sw18", 0, SECRETS));

    ServerInfo now = plane.status("sw18").orElseThrow();
    assertThat(now.port()).isEqualTo(promoted.port());
    assertThat(Jdbc.query(now, USER, PASSWORD, "SELECT count(*) FROM t"))
        .isEqualTo(String.valueOf(acked));
    List<Member> members = awaitStreaming(plane, "sw18", 1);
    assertThat(members).extracting(Member::ordinal).containsExactly(1, 0);
    assertThat(members).extracting(Member::port).containsExactly(promoted.port(), primary.port());
    awaitCount(members.get(1), "SELECT count(*) FROM t", acked);
  }

  private static int insertOneByOne(ServerInfo primary, int from, int to) throws SQLException {
    int acked = 0;
    try (Connection c = DriverManager.getConnection(Jdbc.url(primary), USER, PASSWORD);
        Statement s = c.createStatement()) {
      for (int i = from; i <= to; i++) {
        s.execute("INSERT INTO t VALUES (" + i + ")");
        acked++;
      }
    }
    return acked;
  }

  private static void awaitPosition(LocalDataPlane plane, String name, int ordinal, long past)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(CATCH_UP);
    Long pos = null;
    while (Instant.now().isBefore(deadline)) {
      pos = plane.standbyPositions(name, SECRETS).get(ordinal);
      if (pos != null && pos > past) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("standby " + ordinal + " at " + pos + ", not past " + past);
  }

  private static void measured(String what, long startedNanos) {
    System.out.printf("MEASURED %s: %d ms%n", what, (System.nanoTime() - startedNanos) / 1_000_000);
  }

  /** The standby's walreceiver: the child of its postmaster whose title says so. */
  private static ProcessHandle walReceiverOf(Member standby) throws Exception {
    Instant deadline = Instant.now().plus(CATCH_UP);
    while (Instant.now().isBefore(deadline)) {
      for (ProcessHandle child :
          ProcessHandle.of(standby.pid()).orElseThrow().children().toList()) {
        if (cmdline(child.pid()).contains("walreceiver")) {
          return child;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no walreceiver under " + standby);
  }

  /** Live processes whose working directory is {@code dataDir} (every PostgreSQL process). */
  private static List<Long> processesIn(Path dataDir) throws IOException {
    List<Long> out = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.toList()) {
        if (!p.getFileName().toString().matches("\\d+")) {
          continue;
        }
        try {
          if (Files.isSameFile(Files.readSymbolicLink(p.resolve("cwd")), dataDir)) {
            long pid = Long.parseLong(p.getFileName().toString());
            if (alive(pid)) {
              out.add(pid);
            }
          }
        } catch (IOException gone) {
          // not ours, or exited
        }
      }
    }
    return out;
  }

  private static String cmdline(long pid) {
    try {
      return new String(
          Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
