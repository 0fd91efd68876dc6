package dev.toygres.controlplane.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** Streaming standbys made by the local data plane, against real PostgreSQL servers. */
class ReplicationIT extends DataPlaneTestSupport {

  @Test
  void rowsWrittenOnThePrimaryAppearOnItsStandbyOnPostgres18() throws Exception {
    LocalDataPlane plane = plane();
    ServerInfo primary = provision(plane, "rep18", 18);
    Jdbc.execute(
        primary, USER, PASSWORD, "CREATE TABLE t (v int)", "INSERT INTO t VALUES (1), (2)");

    Member standby = track(plane.provisionStandby("rep18", 1, SECRETS));

    assertThat(standby.role()).isEqualTo(Member.STANDBY);
    assertThat(standby.port()).isNotEqualTo(primary.port());
    assertThat(standby.dataDir()).isEqualTo(tmp.resolve("instances/rep18/standby-1/pgdata"));
    Jdbc.execute(primary, USER, PASSWORD, "INSERT INTO t VALUES (3)");
    awaitCount(standby, "SELECT count(*) FROM t", 3);
    assertThat(query(standby, "SELECT pg_is_in_recovery()::text")).isEqualTo("true");

    List<Member> members = awaitStreaming(plane, "rep18", 1);
    assertThat(members).extracting(Member::role).containsExactly("primary", "standby");
    assertThat(members.get(0).pid()).isEqualTo(primary.pid());
    assertThat(members.get(0).timeline()).isEqualTo(1);
    assertThat(members.get(1).lagBytes()).isNotNull().isGreaterThanOrEqualTo(0L);
    assertThat(members.get(1).timeline()).isEqualTo(1);
    assertThat(members.get(1).slot()).isEqualTo("standby_1");
  }

  @Test
  void aStandbyOfPostgres17StreamsAndTheTenantCannotReadItsReplicationPassword() throws Exception {
    LocalDataPlane plane = plane();
    ServerInfo primary = provision(plane, "rep17", 17);
    Member standby = track(plane.provisionStandby("rep17", 1, SECRETS));
    Jdbc.execute(primary, USER, PASSWORD, "CREATE TABLE t AS SELECT generate_series(1, 10) v");
    awaitCount(standby, "SELECT count(*) FROM t", 10);
    assertThat(query(standby, "SHOW server_version")).startsWith("17.");

    assertThatThrownBy(() -> query(standby, "SHOW primary_conninfo"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("primary_conninfo");
    assertThatThrownBy(() -> query(standby, "SELECT pg_read_file('postgresql.auto.conf')"))
        .isInstanceOf(SQLException.class);
    assertThat(
            query(standby, "SELECT count(*) FROM pg_stat_wal_receiver WHERE conninfo IS NOT NULL"))
        .isEqualTo("0");
    String autoConf = Files.readString(standby.dataDir().resolve("postgresql.auto.conf"));
    assertThat(autoConf).contains("primary_slot_name = 'standby_1'", "user=toygres_replicator");
    assertThat(
            java.nio.file.Files.getPosixFilePermissions(
                standby.dataDir().resolve("postgresql.auto.conf")))
        .containsExactlyInAnyOrder(
            java.nio.file.attribute.PosixFilePermission.OWNER_READ,
            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    for (Long pid : processTree(standby.pid())) {
      String cmdline;
      try {
        cmdline =
            Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
      } catch (java.nio.file.NoSuchFileException ended) {
        continue; // a short-lived child (the archiver's shell, say) ended since it was listed
      }
      assertThat(cmdline).doesNotContain(SECRETS.replicatorPassword());
    }
    assertThat(Files.readString(tmp.resolve("instances/rep17/standby-1/postgres.log")))
        .doesNotContain(SECRETS.replicatorPassword());
  }

  private static List<Long> processTree(long pid) {
    ProcessHandle p = ProcessHandle.of(pid).orElseThrow();
    return java.util.stream.Stream.concat(java.util.stream.Stream.of(p), p.descendants())
        .map(ProcessHandle::pid)
        .toList();
  }

  @Test
  void stopStartAndDeprovisionActOnEveryMember() throws Exception {
    LocalDataPlane plane = plane();
    ServerInfo primary = provision(plane, "allm", 18);
    Member standby = track(plane.provisionStandby("allm", 1, SECRETS));

    plane.stop("allm");
    assertThat(alive(primary.pid())).isFalse();
    assertThat(alive(standby.pid())).isFalse();
    assertThat(plane.members("allm", SECRETS)).extracting(Member::health).containsOnly("stopped");

    ServerInfo again = track(plane.start("allm"));
    Jdbc.execute(again, USER, PASSWORD, "CREATE TABLE after_start (v int)");
    List<Member> members = awaitStreaming(plane, "allm", 1);
    members.forEach(this::track);
    assertThat(members.get(1).pid()).isNotNull().isNotEqualTo(standby.pid());

    plane.deprovision("allm");
    assertThat(alive(again.pid())).isFalse();
    assertThat(alive(members.get(1).pid())).isFalse();
    assertThat(tmp.resolve("instances/allm")).doesNotExist();
  }

  @Test
  void scalingDownRemovesTheStandbyItsDataAndItsSlot() throws Exception {
    LocalDataPlane plane = plane();
    ServerInfo primary = provision(plane, "scale", 18);
    track(plane.provisionStandby("scale", 1, SECRETS));
    Member second = track(plane.provisionStandby("scale", 2, SECRETS));
    assertThat(plane.provisionStandby("scale", 2, SECRETS).pid()).isEqualTo(second.pid());
    awaitStreaming(plane, "scale", 2);
    assertThat(slots(primary)).isEqualTo("standby_1,standby_2");

    plane.removeStandby("scale", 2, SECRETS);
    plane.removeStandby("scale", 2, SECRETS); // no-op
    assertThat(alive(second.pid())).isFalse();
    assertThat(tmp.resolve("instances/scale/standby-2")).doesNotExist();
    assertThat(slots(primary)).isEqualTo("standby_1");

    plane.removeStandby("scale", 1, SECRETS);
    assertThat(slots(primary)).isNull();
    assertThat(plane.members("scale", SECRETS)).extracting(Member::role).containsExactly("primary");
  }

  @Test
  void aSynchronousCommitWaitsWhileItsStandbysAreFrozenOnPostgres15() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/usr/lib/postgresql/15/bin")), "no system PostgreSQL 15");
    LocalDataPlane plane = plane();
    ServerInfo primary = provision(plane, "sync15", 15);
    Member one = track(plane.provisionStandby("sync15", 1, SECRETS));
    Member two = track(plane.provisionStandby("sync15", 2, SECRETS));
    plane.setSynchronous("sync15", List.of(1, 2), SECRETS);
    awaitStreaming(plane, "sync15", 2);
    assertThat(Jdbc.query(primary, USER, PASSWORD, "SHOW synchronous_standby_names"))
        .isEqualTo("ANY 1 (standby_1, standby_2)");
    assertThat(Jdbc.query(primary, USER, PASSWORD, "SHOW server_version")).startsWith("15.");
    Jdbc.execute(primary, USER, PASSWORD, "CREATE TABLE s (v int)");
    awaitCount(two, "SELECT count(*) FROM s", 0);

    List<ProcessHandle> frozen = processesOf(one, two);
    signal("STOP", frozen);
    try {
      CompletableFuture<Void> commit =
          CompletableFuture.runAsync(
              () -> {
                try {
                  Jdbc.execute(primary, USER, PASSWORD, "INSERT INTO s VALUES (1)");
                } catch (SQLException e) {
                  throw new IllegalStateException(e);
                }
              });
      try {
        commit.get(3, TimeUnit.SECONDS);
        throw new AssertionError("the commit returned while every standby was frozen");
      } catch (TimeoutException expected) {
        // the commit waits for a standby
      }
      signal("CONT", frozen);
      commit.get(60, TimeUnit.SECONDS);
    } finally {
      signal("CONT", frozen);
    }
    awaitCount(one, "SELECT count(*) FROM s", 1);
    awaitCount(two, "SELECT count(*) FROM s", 1);
  }

  private static String slots(ServerInfo primary) throws SQLException {
    // The tenant is not a superuser but may read pg_replication_slots.
    return Jdbc.query(
        primary,
        USER,
        PASSWORD,
        "SELECT string_agg(slot_name, ',' ORDER BY slot_name) FROM pg_replication_slots");
  }

  private static List<ProcessHandle> processesOf(Member... members) {
    return java.util.Arrays.stream(members)
        .flatMap(
            m -> {
              ProcessHandle p = ProcessHandle.of(m.pid()).orElseThrow();
              return java.util.stream.Stream.concat(java.util.stream.Stream.of(p), p.descendants());
            })
        .toList();
  }
}
