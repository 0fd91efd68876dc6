package dev.toygres.controlplane.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.toygres.controlplane.testkit.ServerProcess;
import dev.toygres.testkit.TestHttpClient;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, fault 5: one of two servers sharing the metadata database and the data directory paused
 * with SIGSTOP for longer than its lease, then resumed.
 */
class WorkerPausedIT {
  private static final Duration LEASE = Duration.ofSeconds(10);
  private static final Duration PAUSE = LEASE.multipliedBy(3);
  private static final Duration WATCH_AFTER_RESUME = LEASE.multipliedBy(2);
  private static final List<String> NAMES = List.of("lease-a", "lease-b");

  @Test
  void theSecondServerTakesOverAPausedOneThatNeverActsOnWorkItNoLongerHolds() throws Exception {
    try (FaultRig rig = FaultRig.start("fault-worker", false)) {
      String[] flags = {
        "--worker-lease",
        LEASE.toSeconds() + "s",
        "--stale-after",
        "30s",
        "--supervisor-interval",
        "5s"
      };
      ServerProcess first = rig.startServer(flags);
      ServerProcess second = rig.startServer(flags);
      TestHttpClient api = second.api();
      Fleet.createHealthy(first.api(), NAMES);
      Map<Path, Long> postmasters = Fleet.instancePostmasters(rig.instancesDir());
      assertThat(postmasters).hasSize(NAMES.size());
      Map<Path, FileTime> files = Fleet.instanceFiles(rig.instancesDir());
      assertThat(files).hasSize(2 * NAMES.size());

      Instant pausedAt = Instant.now();
      long pausedNanos = System.nanoTime();
      rig.pause(first);
      // The second server keeps every instance checked once the first's lease runs out.
      await()
          .atMost(PAUSE)
          .pollInterval(Duration.ofMillis(500))
          .until(() -> Fleet.allCheckedAfter(api, NAMES, pausedAt.plus(LEASE)));
      Duration takeover = Duration.ofNanos(System.nanoTime() - pausedNanos);
      Thread.sleep(Math.max(0, PAUSE.toMillis() - (System.nanoTime() - pausedNanos) / 1_000_000));
      Instant resumedAt = Instant.now();
      rig.resume(first);
      Thread.sleep(WATCH_AFTER_RESUME.toMillis());

      assertThat(Fleet.instancePostmasters(rig.instancesDir()))
          .as("instance servers (data directory -> postmaster pid): none killed or restarted")
          .isEqualTo(postmasters);
      assertThat(Fleet.instanceFiles(rig.instancesDir()))
          .as("instance.json and pg_hba.conf of each instance: none rewritten")
          .isEqualTo(files);
      for (String n : NAMES) {
        assertThat(Fleet.hasExactlyOneActor(api, n)).as("one actor watches " + n).isTrue();
        Fleet.assertCheckedOnceAtATime(api, n, resumedAt, FaultRig.HEALTH_INTERVAL);
      }
      assertThat(Fleet.allCheckedAfter(first.api(), NAMES, resumedAt))
          .as("the resumed server serves the same, current view")
          .isTrue();
      // Detection: from the pause until every instance is checked again after the lease ran out;
      // recovery: the part of that after the lease ran out.
      Probes.report(
          "worker-paused-beyond-lease",
          takeover,
          takeover.minus(LEASE),
          "lease_s=" + LEASE.toSeconds() + " pause_s=" + PAUSE.toSeconds());
    }
  }
}
