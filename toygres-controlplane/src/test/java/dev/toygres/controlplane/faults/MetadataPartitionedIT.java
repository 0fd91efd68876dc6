package dev.toygres.controlplane.faults;

import dev.toygres.controlplane.testkit.LongWait;
import dev.toygres.controlplane.testkit.ServerProcess;
import dev.toygres.testkit.TestHttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, fault 4: the metadata PostgreSQL in a network namespace, cut off from the server for 2
 * minutes by a blackhole route on the host. Needs root (as CI runs).
 */
@LongWait
class MetadataPartitionedIT {
  private static final Duration PARTITION = Duration.ofMinutes(2);
  private static final List<String> NAMES = List.of("split-a", "split-b");

  @Test
  void aPartitionFromTheMetadataDatabaseTurnsReadinessRedAndEveryActorResumesAfterIt()
      throws Exception {
    try (FaultRig rig = FaultRig.start("fault-partition", true)) {
      ServerProcess server = rig.startServer("--stale-after", "30s", "--supervisor-interval", "5s");
      TestHttpClient api = server.api();
      Fleet.createHealthy(api, NAMES);

      Instant cutAt = Instant.now();
      long cutNanos = System.nanoTime();
      rig.namespace().partition();
      Outage.Detected detected = Outage.detect(api, NAMES.get(0), cutNanos);
      Thread.sleep(Math.max(0, PARTITION.toMillis() - (System.nanoTime() - cutNanos) / 1_000_000));
      Instant healedAt = Instant.now();
      long healedNanos = System.nanoTime();
      rig.namespace().heal();

      Duration recovery = Outage.awaitRecovery(api, NAMES, healedAt, healedNanos);
      Duration gap = Outage.assertNoGapBeyond(api, NAMES, cutAt, PARTITION);
      Probes.report(
          "metadata-partitioned-2m",
          detected.readinessRed(),
          recovery,
          Outage.figures(detected, gap));
    }
  }
}
