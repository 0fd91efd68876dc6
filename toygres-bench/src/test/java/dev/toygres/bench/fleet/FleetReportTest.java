package dev.toygres.bench.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.toygres.bench.fleet.FleetResult.Cpu;
import dev.toygres.bench.fleet.FleetResult.DatabaseGrowth;
import dev.toygres.bench.fleet.FleetResult.Doctor;
import dev.toygres.bench.fleet.FleetResult.Memory;
import dev.toygres.bench.fleet.FleetResult.ProbeTimes;
import dev.toygres.bench.fleet.FleetResult.Punctuality;
import dev.toygres.bench.fleet.FleetResult.Purge;
import dev.toygres.bench.fleet.FleetResult.Queues;
import dev.toygres.bench.fleet.FleetResult.Shape;
import dev.toygres.bench.fleet.FleetResult.Throughput;
import dev.toygres.bench.fleet.FleetResult.Timings;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FleetReportTest {
  private static final long MB = 1024 * 1024;

  static FleetResult sustainedDirect() {
    return new FleetResult(
        new Shape(1000, Duration.ofSeconds(30), 64, 20, 2, 3, TargetsVia.DIRECT, 0),
        new Timings(1.6, 4.7, 11.2, 0, 30.0),
        new Throughput(Instant.parse("2026-11-22T10:00:00Z"), 120.4, 3885, 32.27, 33.333),
        new Punctuality(662.4, 6310.2, 6738.9, 0, 18, 155.3, 0),
        new ProbeTimes(70.1, 622.7, 0),
        new Cpu(2, 9.2, 49.1, 7.3, 11.4, Double.NaN, 5.84, 0.81, 6.12, Double.NaN, 0.2),
        new Memory(145 * MB + 12345, 15 * MB, 6028 * MB),
        new Queues(1.71, 6.42, 37.94),
        new DatabaseGrowth(17 * MB, 31 * MB, 426.3, 378.1, 50.2, 13_000_000, 1_600_000),
        new Purge(4367, 0.54),
        new Doctor(94.2, 13.1, 3, Map.of("healthy", 1000)));
  }

  static FleetResult saturatedThroughPgBouncer() {
    return new FleetResult(
        new Shape(10000, Duration.ofMillis(1500), 128, 20, 4, 2, TargetsVia.PGBOUNCER, 19),
        new Timings(9.1, 48.2, 80.3, 7, 300.0),
        new Throughput(Instant.parse("2026-11-22T11:00:00Z"), 60.0, 16926, 140.8, 666.67),
        new Punctuality(48100, 53300, 53800, 16926, 0, 0, 3),
        new ProbeTimes(98, 436, 5),
        new Cpu(2, -1, -1, 23, 46, 4, Double.NaN, Double.NaN, 0.95, 0.32, 0.0),
        new Memory(155 * MB, 15 * MB, 6028 * MB),
        new Queues(Double.NaN, Double.NaN, Double.NaN),
        new DatabaseGrowth(80 * MB, 144 * MB, 1917, 1703, 212, 60_000_000, 7_500_000),
        new Purge(0, 0.0),
        new Doctor(882, 149, 3, Map.of("healthy", 9990, "stale", 10, "missing", 0)));
  }

  /** The sustained run shared by two servers, then put through the engine's loss. */
  static FleetResult sharedByTwoServersAndRecovered() {
    FleetResult r = sustainedDirect();
    return new FleetResult(
        r.shape(),
        r.timings(),
        r.throughput(),
        r.punctuality(),
        r.probes(),
        r.cpu(),
        r.memory(),
        r.queues(),
        r.growth(),
        r.purge(),
        r.doctor(),
        new FleetResult.Servers(
            2,
            List.of(
                new FleetResult.ProcessWork("main", 100, 2000, 6000, 160, 2000, 30.0, 9000.0),
                new FleetResult.ProcessWork("worker-1", 200, 1885, 5655, 377, 1885, 25.5, 7540.0))),
        new FleetResult.Recovery(41.25, 30.5, 0, 1000));
  }

  @Test
  void serversAndRecoveryRowsAppearOnlyWhenARunUsedThem() {
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    ByteArrayOutputStream modes = new ByteArrayOutputStream();

    FleetReport.print(
        List.of(sustainedDirect()), new PrintStream(plain, true, StandardCharsets.UTF_8));
    FleetReport.print(
        List.of(sustainedDirect(), sharedByTwoServersAndRecovered()),
        new PrintStream(modes, true, StandardCharsets.UTF_8));

    assertThat(plain.toString(StandardCharsets.UTF_8))
        .doesNotContain("| servers ", "engine state lost");
    assertThat(modes.toString(StandardCharsets.UTF_8))
        .contains(
            "| servers ",
            "main 2,000 (51%) / 6,000 / 12.5 / 30%; worker-1 1,885 (49%) / 5,655 / 5.0 / 26%",
            "| engine state lost: fresh actors / all checked after ",
            "30.5 / 41.3 s");
  }

  /**
   * The rows of the report before its figures were split into records (the single 46-field Result)
   * keep their labels, units and rounding, so that new runs compare with the figures recorded in
   * docs/benchmarks.md; rows are only added (targets, pgbouncer CPU, per-iteration CPU and growth).
   */
  @Test
  void printsTheEarlierRowsUnchangedAndTheCostsPerIteration() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    FleetReport.print(
        List.of(sustainedDirect(), saturatedThroughPgBouncer()),
        new PrintStream(bytes, true, StandardCharsets.UTF_8));

    assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(expected());
  }

  @Test
  void otherProcessesAreTheMachineLessTheJvmThePostgresqlsAndThePoolers() {
    Cpu direct = sustainedDirect().cpu();
    Cpu pooled = new Cpu(2, 10, 60, 5, 3, 4, 1, 1, 1, 1, 0);

    assertThat(direct.otherProcessesPct()).isCloseTo(49.1 - 9.2 - 7.3 - 11.4, within(1e-9));
    assertThat(pooled.otherProcessesPct()).isCloseTo(60 - 10 - 5 - 3 - 4, within(1e-9));
    assertThat(pooled.controlPlaneMsPerIteration()).isEqualTo(2);
  }

  @Test
  void growthPerIterationIsTheWindowsGrowthOverItsChecks() {
    FleetResult r = sustainedDirect();

    assertThat(r.engineBytesPerIteration()).isCloseTo(13_000_000 / 3885.0, within(1e-9));
    assertThat(r.cmsBytesPerIteration()).isCloseTo(1_600_000 / 3885.0, within(1e-9));
  }

  @Test
  void aFleetThatLeavesFewExecutionsHasNoPlateauAndAPrunerRoundOfWhatItLeft() {
    FleetResult r = sustainedDirect();
    // Actors that continue as new in place: the engine shrank in the window, and the purge found
    // 120 executions ended in the 240 s since the launch (the supervisor's and the pruner's).
    FleetResult inPlace =
        new FleetResult(
            r.shape(),
            r.timings(),
            r.throughput(),
            r.punctuality(),
            r.probes(),
            r.cpu(),
            r.memory(),
            r.queues(),
            new DatabaseGrowth(17 * MB, 16 * MB, -20, -70, 50, -1_000_000, 1_600_000),
            new Purge(120, 0.5, 240),
            r.doctor(),
            r.servers(),
            r.recovery());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    FleetReport.print(List.of(inPlace), new PrintStream(bytes, true, StandardCharsets.UTF_8));

    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .containsPattern("with the pruner: engine plateau +\\| +~0 MB \\|")
        .containsPattern("pruner round \\(10 min of executions\\) +\\| +300, ~1 s \\|");
  }

  private static String expected() throws Exception {
    try (InputStream in = FleetReportTest.class.getResourceAsStream("report-of-two-runs.txt")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
