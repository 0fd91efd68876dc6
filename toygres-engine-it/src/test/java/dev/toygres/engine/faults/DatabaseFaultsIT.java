package dev.toygres.engine.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.toygres.engine.DatabaseHealth;
import dev.toygres.engine.DurableEngine;
import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.store.DatabaseTimeouts;
import dev.toygres.engine.store.StoreUnavailableException;
import dev.toygres.engine.worker.Registry;
import dev.toygres.engine.worker.WorkerOptions;
import dev.toygres.postgres.EmbeddedPostgres;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metadata database paused (SIGSTOP of the postmaster and its backends) or killed (SIGKILL) and
 * restarted on the same port, or the engine's own embedded server killed: the worker's loops keep
 * beating through the outage (they fail fast on the database timeouts), and afterwards the worker
 * completes new orchestrations with no action (the pool drops dead connections, the LISTEN
 * connection reconnects). Each test prints its recovery time; only the loops' silence is bounded,
 * by the configured timeouts.
 */
class DatabaseFaultsIT {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseFaultsIT.class);
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final DatabaseTimeouts TIMEOUTS =
      new DatabaseTimeouts(
          Duration.ofSeconds(1),
          Duration.ofSeconds(3),
          Duration.ofSeconds(2),
          Duration.ofSeconds(1));

  /**
   * Longest a loop may go without finishing a round during an outage: a round waits at most a
   * socket timeout on a statement and a connect timeout for a connection, plus its pause after a
   * failure; twice that, for a round that starts just before the outage.
   */
  private static final Duration SILENCE_BOUND =
      TIMEOUTS.socket().plus(TIMEOUTS.connect()).plusSeconds(2).multipliedBy(2);

  @TempDir Path dir;
  private EmbeddedPostgres external;
  private DurableEngine engine;
  private List<Long> stopped = List.of();

  @AfterEach
  void cleanUp() {
    try {
      if (!stopped.isEmpty()) {
        Signals.send("CONT", stopped);
      }
    } finally {
      try {
        if (engine != null) {
          engine.close();
        }
      } finally {
        if (external != null) {
          external.close();
        }
      }
    }
  }

  static Registry registry() {
    return Registry.builder()
        .activity("echo", String.class, (c, in) -> "echo " + in)
        .orchestration(
            "echoing",
            String.class,
            (ctx, in) -> ctx.callActivity("echo", in, String.class).await())
        .build();
  }

  private static WorkerOptions options() {
    return WorkerOptions.defaults()
        .withPollInterval(Duration.ofMillis(200))
        .withLease(Duration.ofSeconds(2));
  }

  private DurableEngine onExternalDatabase() {
    external = EmbeddedPostgres.start(dir.resolve("external"));
    String url =
        external.jdbcUrl()
            + "?user="
            + external.user()
            + "&password="
            + URLEncoder.encode(external.password(), StandardCharsets.UTF_8);
    engine =
        DurableEngine.builder()
            .databaseUrl(url)
            .timeouts(TIMEOUTS)
            .registry(registry())
            .workerOptions(options())
            .start();
    return engine;
  }

  private void completes(String id) throws Exception {
    engine.client().start("echoing", id, id);
    assertThat(engine.client().waitForCompletion(id, WAIT).status())
        .isEqualTo(OrchestrationStatus.COMPLETED);
  }

  /** Starts an orchestration as soon as the database takes it; returns ms until it completed. */
  private long msUntilANewOrchestrationCompletes(String id) throws Exception {
    long t0 = System.nanoTime();
    await("the database takes new work again")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(
            () -> {
              engine.client().start("echoing", id, id);
              return true;
            });
    assertThat(engine.client().waitForCompletion(id, WAIT).status())
        .isEqualTo(OrchestrationStatus.COMPLETED);
    return Duration.ofNanos(System.nanoTime() - t0).toMillis();
  }

  @Test
  void workerResumesByItselfAfterTheDatabaseIsPausedForThirtySeconds() throws Exception {
    onExternalDatabase();
    completes("before");
    Outage outage = new Outage(engine.worker());

    stopped = List.of(external.server().pid());
    stopped = Signals.stopTree(external.server().pid());
    LOG.info("stopped {}: {}", stopped, Signals.states(stopped));
    outage.watchFor(Duration.ofSeconds(5), Duration.ofMillis(500));
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> engine.client().start("echoing", "during", "x"))
        .as("a call fails fast while the database is paused")
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("unreachable or too slow");
    long failedAfter = Duration.ofNanos(System.nanoTime() - t0).toMillis();
    outage.watchFor(Duration.ofSeconds(25), Duration.ofMillis(500));
    Signals.send("CONT", stopped);
    stopped = List.of();

    long recovered = msUntilANewOrchestrationCompletes("after");
    LOG.info(
        "MEASURED database paused 30 s: a start failed after {} ms during the pause; a new"
            + " orchestration completed {} ms after SIGCONT; longest loop silence {} ms ({})",
        failedAfter,
        recovered,
        outage.longestSilence().toMillis(),
        outage.silences());
    assertThat(outage.longestSilence())
        .as("no loop blocked through the outage: %s", outage.silences())
        .isLessThan(SILENCE_BOUND);
    completes("after-2");
  }

  @Test
  void workerResumesByItselfAfterTheDatabaseIsKilledAndRestartedOnTheSamePort() throws Exception {
    onExternalDatabase();
    completes("before");
    Outage outage = new Outage(engine.worker());
    int port = external.server().port();

    Signals.send("KILL", List.of(external.server().pid()));
    outage.watchFor(Duration.ofSeconds(10), Duration.ofMillis(500));
    long r0 = System.nanoTime();
    await("the test restarts the database")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .until(() -> external.restartIfDead() || external.isRunning());
    long restartMs = Duration.ofNanos(System.nanoTime() - r0).toMillis();
    assertThat(external.server().port()).isEqualTo(port);

    long recovered = msUntilANewOrchestrationCompletes("after");
    outage.sample();
    LOG.info(
        "MEASURED database SIGKILLed, restarted on port {} after 10 s (restart took {} ms): a new"
            + " orchestration completed {} ms after the restart; longest loop silence {} ms ({})",
        port,
        restartMs,
        recovered,
        outage.longestSilence().toMillis(),
        outage.silences());
    assertThat(outage.longestSilence())
        .as("no loop blocked through the outage: %s", outage.silences())
        .isLessThan(SILENCE_BOUND);
    completes("after-2");
  }

  @Test
  void embeddedDatabaseKilledIsRestartedByTheEnginesWatchdogAndWorkGoesOn() throws Exception {
    engine =
        DurableEngine.builder()
            .dataDir(dir.resolve("engine"))
            .timeouts(TIMEOUTS)
            .registry(registry())
            .workerOptions(options())
            .start();
    assertThat(engine.databaseHealth().state()).isEqualTo(DatabaseHealth.State.RUNNING);
    completes("before");
    int port = engine.embeddedPostgres().server().port();
    long pid = engine.embeddedPostgres().server().pid();

    long t0 = System.nanoTime();
    Signals.send("KILL", List.of(pid));
    await("the watchdog restarts the embedded server")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () ->
                engine.databaseHealth().restarts() == 1
                    && engine.databaseHealth().state() == DatabaseHealth.State.RUNNING);
    long restartedMs = Duration.ofNanos(System.nanoTime() - t0).toMillis();
    DatabaseHealth health = engine.databaseHealth();
    assertThat(health.embedded()).isTrue();
    assertThat(health.lastRestart()).isNotNull();
    assertThat(engine.embeddedPostgres().server().pid()).isNotEqualTo(pid);
    assertThat(engine.embeddedPostgres().server().port()).isEqualTo(port);

    long recovered = msUntilANewOrchestrationCompletes("after");
    LOG.info(
        "MEASURED embedded database SIGKILLed: the watchdog had it running again after {} ms; a"
            + " new orchestration completed {} ms later",
        restartedMs,
        recovered);
  }
}
