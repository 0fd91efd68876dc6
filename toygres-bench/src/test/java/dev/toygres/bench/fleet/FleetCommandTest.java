package dev.toygres.bench.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toygres.bench.BenchCli;
import dev.toygres.controlplane.config.ServerConfig;
import dev.toygres.controlplane.server.ServerEngine;
import dev.toygres.engine.worker.WorkerOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class FleetCommandTest {
  private static FleetCommand parse(String... args) {
    CommandLine cli = BenchCli.commandLine();
    CommandLine.ParseResult parsed = cli.parseArgs(args);
    return (FleetCommand) parsed.subcommand().commandSpec().userObject();
  }

  @Test
  void defaultsAreTheServersHealthIntervalProbeTimeoutSlotsDispatchersAndPool() {
    ServerConfig server = ServerConfig.defaults();
    WorkerOptions worker = ServerEngine.workerOptions(server);

    FleetCommand cmd = parse("bench-fleet");

    assertThat(cmd.intervals).containsExactly(server.healthInterval());
    assertThat(cmd.probeTimeout).isEqualTo(server.probeTimeout());
    assertThat(cmd.activitySlots).containsExactly(worker.maxConcurrentActivities());
    assertThat(cmd.dispatchers).isEqualTo(worker.orchestrationDispatchers());
    assertThat(cmd.poolSize).isEqualTo(ServerEngine.POOL_SIZE);
    assertThat(cmd.instances).containsExactly(1000);
    assertThat(cmd.duration).isEqualTo(Duration.ofSeconds(60));
    assertThat(cmd.targetsVia).isEqualTo(TargetsVia.PGBOUNCER);
    assertThat(cmd.json).isFalse();
  }

  @Test
  void dispatchersSetTheOrchestrationDispatchersOnlyAndKeepTheServersOtherOptions() {
    WorkerOptions server = ServerEngine.workerOptions(ServerConfig.defaults());

    WorkerOptions run = RunWiring.options(16, 3);

    assertThat(run.orchestrationDispatchers()).isEqualTo(3);
    assertThat(run.activityDispatchers()).isEqualTo(server.activityDispatchers());
    assertThat(run.maxConcurrentActivities()).isEqualTo(16);
    assertThat(run.lease()).isEqualTo(server.lease());
    assertThat(run.stepAffinity()).isEqualTo(server.stepAffinity());
  }

  @Test
  void targetsViaTakesDirectOrPgbouncerAndRefusesAnythingElse() {
    assertThat(parse("bench-fleet", "--targets-via", "direct").targetsVia)
        .isEqualTo(TargetsVia.DIRECT);
    assertThat(parse("bench-fleet", "--targets-via", "PgBouncer", "--json").targetsVia)
        .isEqualTo(TargetsVia.PGBOUNCER);
    assertThat(parse("bench-fleet", "--json").json).isTrue();
    assertThatThrownBy(() -> parse("bench-fleet", "--targets-via", "odyssey"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--targets-via must be direct or pgbouncer");
  }

  @Test
  void flagsOverrideTheServersDefaultsAndTakeLists() {
    FleetCommand cmd =
        parse(
            "bench-fleet",
            "--instances",
            "1000,3000",
            "--interval",
            "1s,30s",
            "--activity-slots",
            "64,128",
            "--dispatchers",
            "4",
            "--pool-size",
            "10",
            "--probe-timeout",
            "2s");

    assertThat(cmd.instances).isEqualTo(List.of(1000, 3000));
    assertThat(cmd.intervals).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(30));
    assertThat(cmd.activitySlots).containsExactly(64, 128);
    assertThat(cmd.dispatchers).isEqualTo(4);
    assertThat(cmd.poolSize).isEqualTo(10);
    assertThat(cmd.probeTimeout).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void oneServerWithoutRecoveryUnlessAsked() {
    assertThat(parse("bench-fleet").servers).isEqualTo(1);
    assertThat(parse("bench-fleet").recovery).isFalse();
    assertThat(parse("bench-fleet", "--servers", "2").servers).isEqualTo(2);
    assertThat(parse("bench-fleet", "--recovery").recovery).isTrue();
  }

  @Test
  void recoveryWithSeveralServersAndTooManyServersAreRefused() {
    assertThatThrownBy(() -> settings(2, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--recovery runs with one server only");
    assertThatThrownBy(() -> settings(FleetSettings.MAX_SERVERS + 1, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--servers must be between 1 and");
    assertThatThrownBy(() -> settings(0, false)).isInstanceOf(IllegalArgumentException.class);
    assertThat(settings(2, false).servers()).isEqualTo(2);
    assertThat(settings(1, true).recovery()).isTrue();
  }

  @Test
  void targetsNiceIsZeroUnlessAskedAndRefusedOutsideZeroToNineteen() {
    assertThat(parse("bench-fleet").targetsNice).isZero();
    assertThat(parse("bench-fleet", "--targets-nice", "19").targetsNice).isEqualTo(19);
    assertThat(settings(1, false, 19).targetsNice()).isEqualTo(19);
    assertThatThrownBy(() -> settings(1, false, 20))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--targets-nice must be between 0 and 19");
    assertThatThrownBy(() -> settings(1, false, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--targets-nice must be between 0 and 19");
  }

  private static FleetSettings settings(int servers, boolean recovery) {
    return settings(servers, recovery, 0);
  }

  private static FleetSettings settings(int servers, boolean recovery, int targetsNice) {
    return new FleetSettings(
        List.of(10),
        List.of(Duration.ofSeconds(5)),
        List.of(8),
        Duration.ofSeconds(5),
        null,
        1,
        TargetsVia.DIRECT,
        10,
        1,
        Duration.ofSeconds(5),
        1,
        Path.of("/nonexistent"),
        false,
        servers,
        recovery,
        targetsNice);
  }
}
