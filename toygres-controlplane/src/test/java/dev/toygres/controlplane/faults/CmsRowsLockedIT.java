package dev.toygres.controlplane.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.toygres.controlplane.testkit.LongWait;
import dev.toygres.controlplane.testkit.ServerProcess;
import dev.toygres.testkit.TestHttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, fault 3: an operator's session holds {@code SELECT ... FOR UPDATE} on every CMS
 * instance row for 2 minutes.
 */
@LongWait
class CmsRowsLockedIT {
  private static final Duration HOLD = Duration.ofMinutes(2);
  private static final Duration STALE_AFTER = Duration.ofSeconds(10);
  private static final Duration AFTER_RECOVERY = Duration.ofSeconds(10);
  private static final List<String> NAMES = List.of("locked-a", "locked-b");

  @Test
  void lockedInstanceRowsShowStaleActorsAndEveryActorChecksAgainOnceWhenReleased()
      throws Exception {
    try (FaultRig rig = FaultRig.start("fault-locked", false)) {
      ServerProcess server =
          rig.startServer(
              "--stale-after", STALE_AFTER.toSeconds() + "s", "--supervisor-interval", "5s");
      TestHttpClient api = server.api();
      Fleet.createHealthy(api, NAMES);

      long lockedNanos = System.nanoTime();
      Duration staleSeen;
      try (RowLocks locks = RowLocks.holdEveryInstanceRow(rig.db())) {
        assertThat(locks.rows()).isGreaterThanOrEqualTo(NAMES.size());
        // The doctor reads without locks: it answers, and shows every actor stale meanwhile.
        await()
            .atMost(HOLD)
            .pollInterval(Duration.ofMillis(500))
            .untilAsserted(
                () ->
                    assertThat(Fleet.diagnoses(api, NAMES).values())
                        .as("the doctor's diagnoses")
                        .hasSize(NAMES.size())
                        .containsOnly("stale"));
        staleSeen = Duration.ofNanos(System.nanoTime() - lockedNanos);
        // Reads never wait on the lock.
        Probes.Timed list = Probes.within(api, "GET", "/api/instances", Probes.API_BOUND);
        assertThat(list.status()).as(list.response().raw()).isEqualTo(200);
        Thread.sleep(Math.max(0, HOLD.toMillis() - (System.nanoTime() - lockedNanos) / 1_000_000));
      }
      Instant releasedAt = Instant.now();
      long releasedNanos = System.nanoTime();

      Duration recovery = Outage.awaitRecovery(api, NAMES, releasedAt, releasedNanos, false);
      Instant settledAt = Instant.now();
      Thread.sleep(AFTER_RECOVERY.toMillis());
      for (String n : NAMES) {
        assertThat(Fleet.hasExactlyOneActor(api, n)).as("one actor watches " + n).isTrue();
        Fleet.assertCheckedOnceAtATime(api, n, settledAt, FaultRig.HEALTH_INTERVAL);
      }
      Map<String, String> doctor = new TreeMap<>(Fleet.diagnoses(api, NAMES));
      assertThat(doctor.values()).as("the doctor after recovery").containsOnly("healthy");
      Probes.report("cms-rows-locked-2m", staleSeen, recovery, "");
    }
  }
}
