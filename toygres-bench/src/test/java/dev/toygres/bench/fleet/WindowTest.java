package dev.toygres.bench.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WindowTest {
  private static final Instant T0 = Instant.parse("2026-11-30T15:00:00Z");

  private static Snapshot at(
      double seconds,
      long jvmCpuMs,
      long metaTicks,
      long targetTicks,
      long poolerTicks,
      long engineBytes,
      long cmsBytes) {
    return new Snapshot(
        T0.plusMillis((long) (seconds * 1000)),
        (long) (seconds * 1e9),
        jvmCpuMs * 1_000_000,
        new ProcCpu.Machine(-1, -1),
        metaTicks,
        targetTicks,
        poolerTicks,
        0,
        cmsBytes,
        engineBytes,
        0);
  }

  private static Window window(Snapshot a, Snapshot b) {
    return new Window(a, b, new FleetResult.Queues(0, 0, 0), 0, 0);
  }

  @Test
  void cpuPerIterationIsEachProcessGroupsCpuInTheWindowOverItsChecks() {
    // 60 s; the JVM used 3,000 ms, the metadata PostgreSQL 50 ticks (500 ms), the targets 120
    // ticks (1,200 ms), the poolers 20 ticks (200 ms), over 1,000 checks
    Window w = window(at(0, 1_000, 100, 1_000, 7, 0, 0), at(60, 4_000, 150, 1_120, 27, 0, 0));

    FleetResult.Cpu cpu = w.cpu(1_000, true);

    assertThat(cpu.jvmMsPerIteration()).isCloseTo(3.0, within(1e-9));
    assertThat(cpu.metaPgMsPerIteration()).isCloseTo(0.5, within(1e-9));
    assertThat(cpu.controlPlaneMsPerIteration()).isCloseTo(3.5, within(1e-9));
    assertThat(cpu.targetsMsPerIteration()).isCloseTo(1.2, within(1e-9));
    assertThat(cpu.poolersMsPerIteration()).isCloseTo(0.2, within(1e-9));
    double cores = cpu.cores();
    assertThat(cpu.jvmPct()).isCloseTo(3.0 / 60 / cores * 100, within(1e-9));
    assertThat(cpu.poolersPct()).isCloseTo(0.2 / 60 / cores * 100, within(1e-9));
  }

  @Test
  void theSamplersQueriesAreNotTheMetadataDatabasesWorkForTheControlPlane() {
    Snapshot a = at(0, 0, 100, 0, 0, 0, 0);
    Snapshot b = at(60, 0, 190, 0, 0, 0, 0);
    List<WorkCounts> none = List.of();

    // 90 ticks of the metadata PostgreSQL's tree, 6 of them the sampler's backend's
    FleetResult.Cpu sampled =
        new Window(a, b, new FleetResult.Queues(0, 0, 0), 0, 0, none, none, 6).cpu(1_000, false);
    FleetResult.Cpu unknown =
        new Window(a, b, new FleetResult.Queues(0, 0, 0), 0, 0, none, none, -1).cpu(1_000, false);

    assertThat(sampled.metaPgMsPerIteration()).isCloseTo(0.84, within(1e-9));
    assertThat(unknown.metaPgMsPerIteration()).isNaN();
    assertThat(unknown.metaPgPct()).isEqualTo(-1);
  }

  @Test
  void withoutPoolersOrChecksOrProcTheirFiguresAreUnknown() {
    Window w = window(at(0, 0, -1, 0, 0, 0, 0), at(10, 100, -1, 10, 0, 0, 0));

    FleetResult.Cpu direct = w.cpu(100, false);
    FleetResult.Cpu idle = w.cpu(0, false);

    assertThat(direct.poolersPct()).isNaN();
    assertThat(direct.poolersMsPerIteration()).isNaN();
    assertThat(direct.metaPgPct()).isEqualTo(-1);
    assertThat(direct.metaPgMsPerIteration()).isNaN();
    assertThat(direct.controlPlaneMsPerIteration()).isNaN();
    assertThat(direct.targetsMsPerIteration()).isCloseTo(1.0, within(1e-9));
    assertThat(idle.jvmMsPerIteration()).isNaN();
  }

  @Test
  void growthIsWhatTheEnginesAndTheCmssRelationsGrewByInTheWindow() {
    Window w = window(at(0, 0, 0, 0, 0, 5_000, 900), at(36, 0, 0, 0, 0, 1_005_000, 100_900));

    FleetResult.DatabaseGrowth g = w.growth();

    assertThat(g.engineGrowthBytes()).isEqualTo(1_000_000);
    assertThat(g.cmsGrowthBytes()).isEqualTo(100_000);
    // 1,000,000 bytes in 36 s is 100,000,000 bytes an hour
    assertThat(g.engineMbPerHour()).isCloseTo(1e8 / (1024.0 * 1024.0), within(1e-6));
  }

  @Test
  void eachServersWorkIsWhatItsCountsGrewByAndItsCpuAShareOfAllCores() {
    Window w =
        new Window(
            at(0, 0, 0, 0, 0, 0, 0),
            at(60, 0, 0, 0, 0, 0, 0),
            new FleetResult.Queues(0, 0, 0),
            0,
            0,
            List.of(
                new WorkCounts("main", 1, 100, 300, 50, 100, 1_000_000_000L),
                new WorkCounts("worker-1", 2, 50, 150, 50, 50, 2_000_000_000L)),
            List.of(
                new WorkCounts("main", 1, 400, 1200, 60, 400, 7_000_000_000L),
                new WorkCounts("worker-1", 2, 150, 450, 50, 50, 5_000_000_000L)),
            0);

    FleetResult.Servers s = w.servers();

    assertThat(s.count()).isEqualTo(2);
    FleetResult.ProcessWork main = s.processes().get(0);
    FleetResult.ProcessWork other = s.processes().get(1);
    assertThat(main.checks()).isEqualTo(300);
    assertThat(other.steps()).isEqualTo(300);
    assertThat(s.checkSharePct(main)).isCloseTo(75.0, within(1e-9));
    assertThat(main.cpuMs()).isCloseTo(6000.0, within(1e-9));
    assertThat(main.cpuMsPerCheck()).isCloseTo(20.0, within(1e-9));
    assertThat(main.checksPerWrite())
        .as("300 checks by 10 statements")
        .isCloseTo(30.0, within(1e-9));
    assertThat(other.checksPerWrite()).as("no check written in the window").isNaN();
    // 3 s of CPU in 60 s
    assertThat(other.cpuPct())
        .isCloseTo(3.0 / 60 / Runtime.getRuntime().availableProcessors() * 100, within(1e-9));
  }

  @Test
  void oneUncountedServerHasNoBreakdown() {
    Window w = window(at(0, 0, 0, 0, 0, 0, 0), at(60, 0, 0, 0, 0, 0, 0));

    assertThat(w.servers().count()).isEqualTo(1);
    assertThat(w.servers().processes()).isEmpty();
  }
}
