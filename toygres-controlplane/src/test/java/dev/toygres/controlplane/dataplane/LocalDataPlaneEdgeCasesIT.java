package dev.toygres.controlplane.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.toygres.controlplane.ConflictException;
import dev.toygres.controlplane.InvalidRequestException;
import dev.toygres.controlplane.NotFoundException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Ports, versions, names and leftovers of the local data plane, with real PostgreSQL servers. */
class LocalDataPlaneEdgeCasesIT extends DataPlaneTestSupport {

  @Test
  void concurrentProvisionsGetDifferentPorts() throws Exception {
    LocalDataPlane plane = plane();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<ServerInfo>> futures = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        String name = "many-" + i;
        futures.add(pool.submit(() -> provision(plane, name, 18)));
      }
      Set<Integer> ports = new HashSet<>();
      for (Future<ServerInfo> f : futures) {
        ServerInfo info = f.get();
        ports.add(info.port());
        assertThat(Jdbc.query(info, USER, PASSWORD, "SELECT 1")).isEqualTo("1");
      }
      assertThat(ports).hasSize(4);
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void aTakenOnePortRangeIsAClearError() throws Exception {
    try (ServerSocket holder = holdFreePortInRange()) {
      int port = holder.getLocalPort();
      LocalDataPlane plane = plane(port, port);
      assertThatThrownBy(() -> provision(plane, "no-room", 18))
          .isInstanceOf(NoFreePortException.class)
          .hasMessageContaining("No free port")
          .hasMessageContaining(port + "-" + port);
      assertThat(plane.status("no-room")).isEmpty();
    }
  }

  @Test
  void aPortRecordedByAnotherInstanceIsNotReused() throws Exception {
    int port;
    try (ServerSocket probe = holdFreePortInRange()) {
      port = probe.getLocalPort();
    }
    LocalDataPlane plane = plane(port, port);
    provision(plane, "first", 18);
    plane.stop("first"); // the port is bindable again, but still recorded by "first"
    assertThatThrownBy(() -> provision(plane, "second", 18))
        .isInstanceOf(NoFreePortException.class)
        .hasMessageContaining("1 are recorded by other instances");
  }

  @Test
  void unknownVersionIsABadRequestListingTheAvailableOnes() {
    LocalDataPlane plane = plane();
    assertThat(plane.availableVersions())
        .contains(18, 17)
        .doesNotHaveDuplicates()
        .isSortedAccordingTo((a, b) -> b - a);
    assertThat(plane.defaultVersion()).isEqualTo(18);
    assertThat(plane.kind()).isEqualTo("local");
    assertThatThrownBy(() -> provision(plane, "old", 9))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("PostgreSQL 9 is not available")
        .hasMessageContaining("18, 17");
    assertThat(tmp.resolve("instances/old")).doesNotExist();
  }

  @Test
  void unknownAndInvalidNames() {
    LocalDataPlane plane = plane();
    assertThat(plane.status("nobody")).isEmpty();
    assertThatThrownBy(() -> plane.start("nobody")).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> plane.stop("nobody")).isInstanceOf(NotFoundException.class);
    plane.deprovision("nobody");
    for (String bad : List.of("../escape", "Upper", "", "-dash", "a/b")) {
      assertThatThrownBy(() -> plane.deprovision(bad)).isInstanceOf(InvalidRequestException.class);
    }
    assertThatThrownBy(
            () ->
                plane.provision(
                    new ProvisionSpec("bad-user", 18, "pg_admin", PASSWORD, SECRETS, 1)))
        .isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void anUnfinishedProvisioningIsRedoneFromScratch() throws Exception {
    Path dir = tmp.resolve("instances/half");
    Files.createDirectories(dir.resolve("pgdata"));
    Files.writeString(dir.resolve("pgdata/garbage"), "left by a crash");
    Files.writeString(
        dir.resolve("instance.json"),
        "{\"name\":\"half\",\"majorVersion\":18,\"port\":1,\"adminUser\":\"admin\","
            + "\"initialized\":false,\"createdAt\":\"2020-01-01T00:00:00Z\"}");
    LocalDataPlane plane = plane();
    assertThat(plane.status("half")).isEmpty();
    assertThat(plane.provisioned()).containsExactly("half");

    ServerInfo info = provision(plane, "half", 18);
    assertThat(info.port()).isBetween(FIRST_PORT, LAST_PORT);
    assertThat(dir.resolve("pgdata/garbage")).doesNotExist();
    assertThat(Jdbc.query(info, USER, PASSWORD, "SELECT 1")).isEqualTo("1");
  }

  @Test
  void aDataDirectoryWithoutMetadataIsNeverOverwritten() throws Exception {
    Path pgdata = tmp.resolve("instances/orphan/pgdata");
    Files.createDirectories(pgdata);
    Files.writeString(pgdata.resolve("PG_VERSION"), "18\n");
    LocalDataPlane plane = plane();
    assertThatThrownBy(() -> provision(plane, "orphan", 18))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("refusing to overwrite");
    assertThat(pgdata.resolve("PG_VERSION")).hasContent("18");
  }

  @Test
  void provisionsPostgres17() throws Exception {
    ServerInfo info = provision(plane(), "seventeen", 17);
    assertThat(info.postgresVersion()).startsWith("17.");
    assertThat(Jdbc.query(info, USER, PASSWORD, "SHOW server_version")).startsWith("17.");
  }

  @Test
  void provisionsSystemPostgres15() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/usr/lib/postgresql/15/bin")), "no system PostgreSQL 15");
    ServerInfo info = provision(plane(), "fifteen", 15);
    assertThat(Jdbc.query(info, USER, PASSWORD, "SHOW server_version")).startsWith("15.");
  }
}
