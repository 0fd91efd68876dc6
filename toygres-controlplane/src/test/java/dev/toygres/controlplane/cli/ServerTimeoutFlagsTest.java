package dev.toygres.controlplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.controlplane.config.ServerConfig;
import dev.toygres.controlplane.server.ServerEngine;
import dev.toygres.engine.store.DatabaseTimeouts;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database timeout flags, the liveness threshold and the activity timeout: their defaults are
 * the engine's, and a bad value or combination is refused before anything starts, with exit code 78
 * and one line naming the flag.
 */
class ServerTimeoutFlagsTest {
  @TempDir Path dataDir;

  private CliRun server(String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "server";
    all[1] = "--data-dir";
    all[2] = dataDir.resolve("data").toString();
    System.arraycopy(args, 0, all, 3, args.length);
    return CliRun.of(all);
  }

  private static void assertRefused(CliRun run, String error) {
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(78);
    assertThat(run.err().strip())
        .as(run.toString())
        .startsWith("error: " + error)
        .doesNotContain("\n");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void theDefaultsAreTheEnginesTimeoutsAndASixtySecondLivenessThreshold() {
    ServerConfig d = ServerConfig.defaults();

    assertThat(d.databaseTimeouts()).isEqualTo(DatabaseTimeouts.defaults());
    assertThat(d.livenessThreshold()).isEqualTo(Duration.ofSeconds(60));
    assertThat(d.activityTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(ServerEngine.workerOptions(d).activityTimeout()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void nonPositiveOrUnreadableTimeoutsAreRefused() {
    assertRefused(server("--db-lock-timeout", "0s"), "--db-lock-timeout must be a positive");
    assertRefused(
        server("--db-statement-timeout", "8x"),
        "Invalid value for option '--db-statement-timeout'");
    assertRefused(server("--liveness-threshold", "soon"), "Invalid value for option");
    assertRefused(server("--activity-timeout", "0s"), "--activity-timeout must be a positive");
  }

  @Test
  void aConnectTimeoutUnderAQuarterSecondIsRefused() {
    assertRefused(
        server("--db-connect-timeout", "100ms"), "--db-connect-timeout must be at least 250ms");
  }

  @Test
  void aSocketTimeoutNotLongerThanTheStatementTimeoutIsRefused() {
    assertRefused(
        server("--db-socket-timeout", "8s"),
        "--db-socket-timeout (8s) must be longer than --db-statement-timeout (8s)");
  }

  @Test
  void aLivenessThresholdNotLongerThanTheWorstRoundIsRefused() {
    assertRefused(
        server("--liveness-threshold", "14s"),
        "--liveness-threshold (14s) must be longer than the worst single round");
    assertRefused(
        server("--db-socket-timeout", "70s", "--db-statement-timeout", "60s"),
        "--liveness-threshold (1m) must be longer than the worst single round");
  }
}
