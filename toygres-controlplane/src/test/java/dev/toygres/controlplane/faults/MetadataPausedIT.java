package dev.toygres.controlplane.faults;

import dev.toygres.controlplane.testkit.LongWait;
import dev.toygres.controlplane.testkit.ServerProcess;
import dev.toygres.testkit.TestHttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, fault 1: the metadata PostgreSQL (postmaster and every backend) paused with SIGSTOP for
 * 60 s under a running server.
 */
@LongWait
class MetadataPausedIT {
  private static final Duration PAUSE = Duration.ofSeconds(60);
  private static final List<String> NAMES = List.of("paused-a", "paused-b");

  @Test
  void aPausedMetadataDatabaseTurnsReadinessRedAndEveryActorResumesAfterIt() throws Exception {
    try (FaultRig rig = FaultRig.start("fault-paused", false)) {
      ServerProcess server = rig.startServer("--stale-after", "30s", "--supervisor-interval", "5s");
      TestHttpClient api = server.api();
      Fleet.createHealthy(api, NAMES);

      Instant pausedAt = Instant.now();
      long pausedNanos = System.nanoTime();
      rig.db().pause();
      Outage.Detected detected = Outage.detect(api, NAMES.get(0), pausedNanos);
      Thread.sleep(Math.max(0, PAUSE.toMillis() - (System.nanoTime() - pausedNanos) / 1_000_000));
      Instant resumedAt = Instant.now();
      long resumedNanos = System.nanoTime();
      rig.db().resume();

      Duration recovery = Outage.awaitRecovery(api, NAMES, resumedAt, resumedNanos);
      Duration gap = Outage.assertNoGapBeyond(api, NAMES, pausedAt, PAUSE);
      Probes.report(
          "metadata-paused-60s", detected.readinessRed(), recovery, Outage.figures(detected, gap));
    }
  }
}
