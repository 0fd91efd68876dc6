package dev.toygres.controlplane.e2e;

import static dev.toygres.controlplane.e2e.ActorAsserts.CREATE_WAIT;
import static dev.toygres.controlplane.e2e.ActorAsserts.awaitEvent;
import static dev.toygres.controlplane.e2e.ActorAsserts.createHealthy;
import static dev.toygres.controlplane.e2e.ActorAsserts.instance;
import static dev.toygres.controlplane.e2e.ActorAsserts.runningActors;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toygres.controlplane.testkit.LeftoverServers;
import dev.toygres.controlplane.testkit.ServerProcess;
import dev.toygres.controlplane.testkit.TestDirectories;
import dev.toygres.postgres.PostgresServer;
import dev.toygres.testkit.TestHttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A host reboot (issue 10, test 8): the server's JVM, its embedded metadata PostgreSQL and every
 * instance server's postmaster killed with SIGKILL at once. Started again on the same data
 * directory, the server starts the servers of the instances the CMS records as running (each with a
 * {@code server_started_after_boot} event), and they are healthy and watched by one actor again; a
 * stopped instance stays stopped.
 */
class HostRebootIT {
  private Path dataDir;
  private ServerProcess server;
  private final List<Path> instanceDirs = new ArrayList<>();

  @AfterEach
  void cleanUp() throws Exception {
    try {
      if (server != null) {
        ActorAsserts.deleteAll(server.api());
        server.close();
      }
    } finally {
      if (server != null) {
        server.kill();
      }
      for (Path d : instanceDirs) {
        PostgresServer.attach(d).ifPresent(PostgresServer::stop);
      }
      LeftoverServers.stopAll(dataDir);
    }
  }

  @Test
  void afterAHostRebootEveryInstanceThatWasRunningRunsAndIsHealthyAgain() throws Exception {
    dataDir = TestDirectories.create("reboot");
    int port = ServerProcess.freePort();
    String[] flags = {"--supervisor-interval", "2s"};
    server = ServerProcess.start(dataDir, port, 42532, flags);
    TestHttpClient api = server.api();
    createHealthy(api, "boot-a", "boot-b", "boot-off");
    TestHttpClient.Response stop = api.post("/api/instances/boot-off/stop");
    assertThat(stop.status()).as(stop.raw()).isEqualTo(202);
    await()
        .atMost(CREATE_WAIT)
        .until(() -> "stopped".equals(instance(api, "boot-off").get("state").asText()));

    List<Long> killed = new ArrayList<>();
    for (String name : List.of("boot-a", "boot-b")) {
      JsonNode dp = instance(api, name).get("data_plane");
      instanceDirs.add(Path.of(dp.get("data_dir").asText()));
      killed.add(dp.get("pid").asLong());
    }
    instanceDirs.add(Path.of(instance(api, "boot-off").get("data_plane").get("data_dir").asText()));

    // The reboot: the control plane, its metadata database and every instance server die at once.
    server.kill();
    killed.addAll(metadataPostmasters());
    for (long pid : killed) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
    for (long pid : killed) {
      Optional<ProcessHandle> p = ProcessHandle.of(pid);
      if (p.isPresent()) {
        p.get().onExit().get();
      }
    }

    server = ServerProcess.start(dataDir, port, 42532, flags);
    Instant restarted = Instant.now();
    TestHttpClient again = server.api();
    for (String name : List.of("boot-a", "boot-b")) {
      await()
          .atMost(CREATE_WAIT)
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () -> {
                JsonNode i = instance(again, name);
                assertThat(i.get("state").asText()).isEqualTo("running");
                assertThat(i.get("health_status").asText()).isEqualTo("healthy");
                assertThat(Instant.parse(i.get("last_health_check").asText())).isAfter(restarted);
              });
      awaitEvent(
          again, name, Duration.ofSeconds(10), "server started after a control-plane restart");
      JsonNode i = instance(again, name);
      assertThat(killed).doesNotContain(i.get("data_plane").get("pid").asLong());
      assertThat(runningActors(again, i.get("k8s_name").asText())).hasSize(1);
      JsonNode started =
          again.get("/api/orchestrations/start-after-boot-" + i.get("k8s_name").asText()).body();
      assertThat(started.get("status").asText()).isEqualTo("completed");
    }
    System.out.printf(
        "host reboot: every running instance healthy again %d ms after the server listened%n",
        Duration.between(restarted, Instant.now()).toMillis());
    JsonNode off = instance(again, "boot-off");
    assertThat(off.get("state").asText()).isEqualTo("stopped");
    assertThat(off.get("data_plane").get("pid").isNull()).isTrue();
    assertThat(
            again
                .get("/api/orchestrations/start-after-boot-" + off.get("k8s_name").asText())
                .status())
        .isEqualTo(404);
    assertThat(
            ActorAsserts.events(again, "boot-off").stream()
                .filter(e -> e.get("message").asText().contains("control-plane restart"))
                .count())
        .isZero();
  }

  /** The pids of the embedded metadata PostgreSQL (its postmaster.pid files under postgres/). */
  private List<Long> metadataPostmasters() throws Exception {
    List<Long> pids = new ArrayList<>();
    try (Stream<Path> s = Files.walk(dataDir.resolve("postgres"), 4)) {
      for (Path f : s.filter(p -> p.getFileName().toString().equals("postmaster.pid")).toList()) {
        pids.add(Long.parseLong(Files.readAllLines(f).get(0).trim()));
      }
    }
    return pids;
  }
}
