package dev.toygres.controlplane.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.controlplane.testkit.ServerProcess;
import dev.toygres.testkit.TestHttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, fault 2: the metadata PostgreSQL killed with SIGKILL (postmaster and backends) and
 * started again 20 s later on the same port.
 */
class MetadataKilledIT {
  private static final Duration DOWN = Duration.ofSeconds(20);
  private static final List<String> NAMES = List.of("killed-a", "killed-b");

  @Test
  void aKilledAndRestartedMetadataDatabaseIsRecoveredFromWithoutHelp() throws Exception {
    try (FaultRig rig = FaultRig.start("fault-killed", false)) {
      ServerProcess server = rig.startServer("--stale-after", "30s", "--supervisor-interval", "5s");
      TestHttpClient api = server.api();
      Fleet.createHealthy(api, NAMES);

      long killedNanos = System.nanoTime();
      rig.db().kill();
      // While it is gone, readiness must say so (no bound stated beyond the 20 s it is down).
      Duration red = null;
      while (System.nanoTime() - killedNanos < DOWN.toNanos()) {
        if (red == null && Probes.ready(api) == 503) {
          red = Duration.ofNanos(System.nanoTime() - killedNanos);
        }
        Thread.sleep(500);
      }
      assertThat(red).as("/health/ready answered 503 while the database was down").isNotNull();
      Instant restartedAt = Instant.now();
      long restartedNanos = System.nanoTime();
      rig.db().start();

      Duration recovery = Outage.awaitRecovery(api, NAMES, restartedAt, restartedNanos);
      Probes.report("metadata-killed-restarted-20s", red, recovery, "");
    }
  }
}
