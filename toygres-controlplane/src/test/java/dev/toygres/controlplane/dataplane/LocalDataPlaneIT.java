package dev.toygres.controlplane.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toygres.controlplane.NotFoundException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** The lifecycle of local instances against real PostgreSQL servers. */
class LocalDataPlaneIT extends DataPlaneTestSupport {

  @Test
  void provisionedServerAcceptsThePasswordAndRefusesAWrongOne() throws Exception {
    LocalDataPlane plane = plane();
    ServerInfo info = provision(plane, "alpha-1x2y", 18);

    assertThat(info.host()).isEqualTo("127.0.0.1");
    assertThat(info.port()).isBetween(FIRST_PORT, LAST_PORT);
    assertThat(info.pid()).isPositive();
    assertThat(info.postgresVersion()).startsWith("18.");
    assertThat(info.dataDir()).isEqualTo(tmp.resolve("instances/alpha-1x2y/pgdata"));
    assertThat(Jdbc.query(info, USER, PASSWORD, "SELECT current_user")).isEqualTo(USER);
    assertThat(Jdbc.query(info, USER, PASSWORD, "SHOW listen_addresses")).isEqualTo("127.0.0.1");
    assertThat(Jdbc.query(info, USER, PASSWORD, "SHOW shared_buffers")).isEqualTo("32MB");
    assertThat(Jdbc.query(info, USER, PASSWORD, "SHOW max_connections")).isEqualTo("50");
    assertThatThrownBy(() -> Jdbc.query(info, USER, "wrong", "SELECT 1"))
        .isInstanceOfSatisfying(
            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));

    Path dir = tmp.resolve("instances/alpha-1x2y");
    assertThat(dir.resolve("postgres.log")).isRegularFile();
    assertThat(Files.readString(dir.resolve("instance.json")))
        .contains("\"majorVersion\" : 18", "\"port\" : " + info.port(), "\"initialized\" : true");
    assertThat(plane.status("alpha-1x2y")).contains(info);
    assertThat(plane.provisioned()).containsExactly("alpha-1x2y");
  }

  @Test
  void provisioningTwiceReturnsTheSameServerAndKeepsItsData() throws Exception {
    LocalDataPlane plane = plane();
    ServerInfo first = provision(plane, "twice", 18);
    Jdbc.execute(
        first, USER, PASSWORD, "CREATE TABLE kept (v text)", "INSERT INTO kept VALUES ('x')");

    ServerInfo second = provision(plane, "twice", 18);
    assertThat(second).isEqualTo(first);
    assertThat(Jdbc.query(second, USER, PASSWORD, "SELECT v FROM kept")).isEqualTo("x");

    plane.stop("twice");
    ServerInfo third = provision(plane, "twice", 18);
    assertThat(third.port()).isEqualTo(first.port());
    assertThat(third.pid()).isNotEqualTo(first.pid());
    assertThat(Jdbc.query(third, USER, PASSWORD, "SELECT v FROM kept")).isEqualTo("x");
  }

  @Test
  void stopRefusesConnectionsAndStartBringsTheDataBack() throws Exception {
    LocalDataPlane plane = plane();
    ServerInfo info = provision(plane, "stopper", 18);
    Jdbc.execute(info, USER, PASSWORD, "CREATE TABLE kept (v int)", "INSERT INTO kept VALUES (7)");

    plane.stop("stopper");
    assertThat(alive(info.pid())).isFalse();
    assertThatThrownBy(() -> Jdbc.query(info, USER, PASSWORD, "SELECT 1"))
        .isInstanceOfSatisfying(
            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("08001"));
    ServerInfo stopped = plane.status("stopper").orElseThrow();
    assertThat(stopped.pid()).isNull();
    assertThat(stopped.port()).isEqualTo(info.port());
    plane.stop("stopper"); // no-op

    ServerInfo started = track(plane.start("stopper"));
    assertThat(started.pid()).isPositive().isNotEqualTo(info.pid());
    assertThat(started.port()).isEqualTo(info.port());
    assertThat(Jdbc.query(started, USER, PASSWORD, "SELECT v FROM kept")).isEqualTo("7");
    assertThat(plane.start("stopper")).isEqualTo(started); // no-op
  }

  @Test
  void startDoesNotNeedThePasswordSoTheUserMayChangeIt() throws Exception {
    LocalDataPlane plane = plane();
    ServerInfo info = provision(plane, "rotated", 18);
    Jdbc.execute(info, USER, PASSWORD, "ALTER ROLE admin PASSWORD 'brand-new'");
    plane.stop("rotated");

    ServerInfo started = track(plane.start("rotated"));
    assertThat(Jdbc.query(started, USER, "brand-new", "SELECT 1")).isEqualTo("1");
    assertThatThrownBy(() -> Jdbc.query(started, USER, PASSWORD, "SELECT 1"))
        .isInstanceOfSatisfying(
            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
  }

  @Test
  @SuppressWarnings("try") // the squatter holds the port
  void aFailedStartSaysWhyWithTheServerLog() throws Exception {
    LocalDataPlane plane = plane();
    ServerInfo info = provision(plane, "blocked", 18);
    plane.stop("blocked");
    try (ServerSocket squatter =
        new ServerSocket(info.port(), 1, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))) {
      assertThatThrownBy(() -> track(plane.start("blocked")))
          .isInstanceOf(DataPlaneException.class)
          .hasMessageContaining("Cannot start instance 'blocked'")
          .hasMessageContaining("port " + info.port())
          .hasMessageContaining("could not bind");
    }
    assertThat(plane.status("blocked").orElseThrow().pid()).isNull();
    assertThat(Jdbc.query(track(plane.start("blocked")), USER, PASSWORD, "SELECT 1"))
        .isEqualTo("1");
  }

  @Test
  void aNewDataPlaneOnTheSameDirectoryFindsStopsAndStartsEarlierServers() throws Exception {
    LocalDataPlane before = plane();
    ServerInfo info = provision(before, "survivor", 18);
    Jdbc.execute(
        info, USER, PASSWORD, "CREATE TABLE kept (v text)", "INSERT INTO kept VALUES ('y')");

    LocalDataPlane after = plane(); // as after a control-plane restart
    assertThat(after.provisioned()).containsExactly("survivor");
    assertThat(after.status("survivor")).contains(info);
    assertThat(after.start("survivor")).isEqualTo(info);

    after.stop("survivor");
    assertThat(alive(info.pid())).isFalse();
    assertThat(before.status("survivor").orElseThrow().pid()).isNull();

    ServerInfo restarted = track(after.start("survivor"));
    assertThat(restarted.port()).isEqualTo(info.port());
    assertThat(Jdbc.query(restarted, USER, PASSWORD, "SELECT v FROM kept")).isEqualTo("y");
    assertThat(provision(after, "survivor", 18)).isEqualTo(restarted);
  }

  @Test
  void deprovisionRemovesTheDirectoryAndTheProcess() {
    LocalDataPlane plane = plane();
    ServerInfo info = provision(plane, "doomed", 18);
    Path dir = tmp.resolve("instances/doomed");
    assertThat(dir).isDirectory();

    plane.deprovision("doomed");
    assertThat(dir).doesNotExist();
    assertThat(alive(info.pid())).isFalse();
    assertThat(plane.status("doomed")).isEmpty();
    assertThat(plane.provisioned()).isEmpty();
    plane.deprovision("doomed"); // no-op
    assertThatThrownBy(() -> plane.start("doomed")).isInstanceOf(NotFoundException.class);
  }
}
