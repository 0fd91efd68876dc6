package dev.toygres.controlplane.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.toygres.controlplane.api.HealthReport;
import dev.toygres.engine.DatabaseHealth;
import dev.toygres.engine.worker.LoopHealth;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The health monitor combines its database probe with the worker's heartbeats: a loop older than
 * the liveness threshold makes the server neither live nor ready; a failed probe, or one in flight
 * for more than 2 s, makes it not ready but still live; a report never waits for a probe.
 */
class HealthMonitorTest {
  private static final Duration THRESHOLD = Duration.ofSeconds(60);
  private final AtomicReference<String> mode = new AtomicReference<>("ok");
  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicReference<List<LoopHealth>> loops =
      new AtomicReference<>(List.of(loop("orchestration-dispatcher-0", Instant.now())));
  private final AtomicReference<DatabaseHealth> embedded =
      new AtomicReference<>(DatabaseHealth.external());
  private HealthMonitor monitor;

  private static LoopHealth loop(String name, Instant progress) {
    return new LoopHealth(name, "polling", progress, null);
  }

  private HealthMonitor start() {
    HealthMonitor.Probe probe =
        new HealthMonitor.Probe() {
          @Override
          public void probe() throws SQLException {
            switch (mode.get()) {
              case "fail" -> throw new SQLException("Connection refused", "08001");
              case "block" -> {
                try {
                  release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
              default -> {}
            }
          }

          @Override
          public void close() {}
        };
    monitor = new HealthMonitor(probe, loops::get, embedded::get, THRESHOLD);
    monitor.serving();
    return monitor;
  }

  @AfterEach
  void stop() {
    release.countDown();
    if (monitor != null) {
      monitor.close();
    }
  }

  @Test
  void aServingMonitorWithAnAnsweringDatabaseAndFreshLoopsIsReady() {
    HealthReport r = start().report();

    assertThat(r.status()).isEqualTo(HealthReport.OK);
    assertThat(r.ready()).isTrue();
    assertThat(r.live()).isTrue();
    assertThat(r.components())
        .extracting(HealthReport.Component::name)
        .containsExactly("metadata_database", "orchestration-dispatcher-0");
  }

  @Test
  void anEmbeddedDatabaseBeingRestartedByItsWatchdogIsAnUnhealthyComponentWithItsHistory() {
    Instant killed = Instant.now().minusSeconds(3);
    embedded.set(
        new DatabaseHealth(
            true, DatabaseHealth.State.RESTARTING, 1, killed, "postmaster 4242 is gone"));

    HealthReport.Component c = start().report().components().get(1);

    assertThat(c.name()).isEqualTo(HealthReport.EMBEDDED_DATABASE);
    assertThat(c.state()).isEqualTo("restarting");
    assertThat(c.healthy()).isFalse();
    assertThat(c.detail())
        .isEqualTo(
            "restarted 1 time by the watchdog, last at "
                + killed
                + "; last error: postmaster 4242 is gone");

    embedded.set(new DatabaseHealth(true, DatabaseHealth.State.RUNNING, 1, killed, null));
    HealthReport.Component back = monitor.report().components().get(1);
    assertThat(back.state()).isEqualTo("running");
    assertThat(back.healthy()).isTrue();
  }

  @Test
  void aLoopWithoutProgressBeyondTheThresholdMakesTheServerNeitherLiveNorReady() {
    start();
    loops.set(
        List.of(
            loop("orchestration-dispatcher-0", Instant.now()),
            loop("lease-keeper", Instant.now().minusSeconds(120))));

    HealthReport r = monitor.report();

    assertThat(r.live()).isFalse();
    assertThat(r.ready()).isFalse();
    assertThat(r.status()).isEqualTo(HealthReport.UNAVAILABLE);
    HealthReport.Component stalled = r.components().get(2);
    assertThat(stalled.healthy()).isFalse();
    assertThat(stalled.detail()).startsWith("no progress for 120s (liveness threshold 60s)");
  }

  @Test
  void aFailingProbeMakesTheServerNotReadyButLiveAndTheDatabaseUnreachable() {
    start();
    mode.set("fail");

    await().atMost(Duration.ofSeconds(10)).until(() -> monitor.report().databaseUnreachable());
    HealthReport r = monitor.report();
    assertThat(r.ready()).isFalse();
    assertThat(r.live()).isTrue();
    assertThat(r.components().get(0).detail()).isEqualTo("Connection refused");
  }

  @Test
  void aProbeInFlightForMoreThanTwoSecondsCountsAsUnreachableWithoutTheReportWaiting() {
    start();
    mode.set("block");

    await().atMost(Duration.ofSeconds(10)).until(() -> monitor.report().databaseUnreachable());
    HealthReport r = monitor.report();
    assertThat(r.components().get(0).state()).isEqualTo("unreachable");
    assertThat(r.components().get(0).detail()).startsWith("SELECT 1 has not answered for");

    mode.set("ok");
    release.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> monitor.report().ready());
  }

  @Test
  void aStoppingServerIsNotReady() {
    start().stopping();

    HealthReport r = monitor.report();

    assertThat(r.ready()).isFalse();
    assertThat(r.status()).isEqualTo(HealthReport.STARTING);
  }
}
