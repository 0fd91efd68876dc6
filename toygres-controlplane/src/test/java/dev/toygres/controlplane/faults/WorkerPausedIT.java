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
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
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
      Fleet.createHealthy(first.api(), NAMES);
      Map<Path, Long> postmasters = Fleet.instancePostmasters(rig.instancesDir());
      assertThat(postmasters).hasSize(NAMES.size());
      Map<Path, FileTime> files = Fleet.instanceFiles(rig.instancesDir());
      assertThat(files).hasSize(2 * NAMES.size());

      // Make sure the first server holds work when it stops: with the instance servers' postmasters
      // stopped for longer than the health interval (shorter than the probe timeout), every
      // actor's probe is in flight, blocked on its connection, in the only server there is.
      postmasters.values().forEach(pid -> Signals.send(pid, "STOP"));
      Instant pausedAt;
      long pausedNanos;
      try {
        Thread.sleep(FaultRig.HEALTH_INTERVAL.multipliedBy(3).dividedBy(2).toMillis());
        pausedAt = Instant.now();
        pausedNanos = System.nanoTime();
        rig.pause(first);
      } finally {
        postmasters.values().forEach(pid -> Signals.send(pid, "CONT"));
      }
      // The second server, sharing the database and the data directory, takes over once the
      // first's lease runs out, and keeps every instance checked.
      ServerProcess second = rig.startServer(flags);
      TestHttpClient api = second.api();
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
        // A probe the first server held across its pause would end unhealthy (timed out) or
        // report the pause as its response time: neither may be recorded.
        assertThat(Fleet.checksAfter(api, n, resumedAt))
            .as("checks of " + n + " since the first server resumed")
            .allSatisfy(
                c -> {
                  assertThat(c.status()).isEqualTo("healthy");
                  assertThat(c.responseTimeMs()).isLessThan((double) PROBE_TIMEOUT.toMillis());
                });
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
