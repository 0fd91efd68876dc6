package dev.toygres.bench.fleet;

import dev.toygres.bench.fleet.FleetResult.Cpu;
import dev.toygres.bench.fleet.FleetResult.DatabaseGrowth;
import dev.toygres.bench.fleet.FleetResult.Memory;
import dev.toygres.bench.fleet.FleetResult.Queues;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The measured window: snapshots at both edges, queue depths and heap sampled in between, the live
 * heap after a GC at its end, and what the sampling's own queries cost the metadata PostgreSQL
 * ({@code samplerTicks}: its backend's ticks in the window, not the control plane's, so not in its
 * CPU; -1 when unknown). Derives the window's CPU, memory and database growth.
 */
record Window(
    Snapshot start,
    Snapshot end,
    Queues queues,
    long heapPeak,
    long heapLive,
    List<WorkCounts> workStart,
    List<WorkCounts> workEnd,
    long samplerTicks) {
  Window {
    workStart = List.copyOf(workStart);
    workEnd = List.copyOf(workEnd);
    if (workStart.size() != workEnd.size()) {
      throw new IllegalArgumentException("the same processes' work at both edges");
    }
  }

  /** A window of one server, whose work is not counted, sampled at no cost. */
  Window(Snapshot start, Snapshot end, Queues queues, long heapPeak, long heapLive) {
    this(start, end, queues, heapPeak, heapLive, List.of(), List.of(), 0);
  }

  /**
   * Measures for {@code length}; the sampler has a connection of its own. With {@code main} (the
   * benchmark worker's counts, null when it does not count), the work of it and of {@code others}
   * is read at both edges, and their CPU is the JVM's.
   */
  static Window measure(
      Connection m,
      Sampler sampler,
      String engineSchema,
      FleetEnvironment env,
      Duration length,
      Supplier<WorkCounts> main,
      FleetWorkers others)
      throws Exception {
    List<WorkCounts> wa = work(main, others);
    Snapshot a = Snapshot.take(m, engineSchema, env, othersCpu(wa));
    long sa = sampler.backendTicks();
    sampler.start();
    Thread.sleep(length.toMillis());
    // stopped, its backend still there, before the edge: its queries all fall in the window
    sampler.stop();
    long sb = sampler.backendTicks();
    List<WorkCounts> wb = work(main, others);
    Snapshot b = Snapshot.take(m, engineSchema, env, othersCpu(wb));
    sampler.close();
    System.gc();
    long live = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    return new Window(
        a, b, sampler.queues(), sampler.heapPeak(), live, wa, wb, ticksBetween(sa, sb));
  }

  private static List<WorkCounts> work(Supplier<WorkCounts> main, FleetWorkers others)
      throws Exception {
    if (main == null) {
      return List.of();
    }
    List<WorkCounts> all = new ArrayList<>();
    all.add(main.get());
    all.addAll(others.counts());
    return all;
  }

  /** The CPU of every process but the first (this one, measured in the snapshot). */
  private static long othersCpu(List<WorkCounts> work) {
    return work.stream().skip(1).mapToLong(WorkCounts::cpuNanos).sum();
  }

  /** The servers and what each did in the window (no breakdown with one uncounted server). */
  FleetResult.Servers servers() {
    if (workStart.isEmpty()) {
      return FleetResult.Servers.one();
    }
    double secs = (end.wallNanos() - start.wallNanos()) / 1e9;
    int cores = Runtime.getRuntime().availableProcessors();
    List<FleetResult.ProcessWork> processes = new ArrayList<>();
    for (int i = 0; i < workStart.size(); i++) {
      WorkCounts d = workEnd.get(i).since(workStart.get(i));
      double cpuMs = d.cpuNanos() / 1e6;
      processes.add(
          new FleetResult.ProcessWork(
              d.role(),
              d.pid(),
              d.checks(),
              d.steps(),
              d.writeGroups(),
              d.groupedChecks(),
              cpuMs / 1000.0 / (secs * cores) * 100.0,
              cpuMs));
    }
    return new FleetResult.Servers(processes.size(), processes);
  }

  /** The window's length by the database's clock (the one health checks are stamped with). */
  double dbSeconds() {
    return Duration.between(start.dbNow(), end.dbNow()).toNanos() / 1e9;
  }

  Cpu cpu(long checks, boolean poolers) {
    double secs = (end.wallNanos() - start.wallNanos()) / 1e9;
    int cores = Runtime.getRuntime().availableProcessors();
    double cpuScale = 100.0 / (secs * cores);
    double ticksScale = cpuScale / ProcCpu.TICKS_PER_SECOND;
    double msPerTick = 1000.0 / ProcCpu.TICKS_PER_SECOND;
    long jvmNanos = end.jvmCpuNanos() - start.jvmCpuNanos();
    long metaTicks = ticksBetween(start.metaTicks(), end.metaTicks());
    if (metaTicks >= 0) {
      // the benchmark's sampling is not the control plane's work; unknown, the figure is unknown
      metaTicks = samplerTicks < 0 ? -1 : metaTicks - samplerTicks;
    }
    long targetTicks = ticksBetween(start.targetTicks(), end.targetTicks());
    long poolerTicks = ticksBetween(start.poolerTicks(), end.poolerTicks());
    return new Cpu(
        cores,
        jvmNanos / 1e9 * cpuScale,
        start.machine().total() < 0
            ? -1
            : 100.0
                * (end.machine().busy() - start.machine().busy())
                / Math.max(1, end.machine().total() - start.machine().total()),
        share(metaTicks, ticksScale),
        share(targetTicks, ticksScale),
        poolers ? share(poolerTicks, ticksScale) : Double.NaN,
        perIteration(jvmNanos / 1e6, checks),
        perIteration(metaTicks < 0 ? Double.NaN : metaTicks * msPerTick, checks),
        perIteration(targetTicks < 0 ? Double.NaN : targetTicks * msPerTick, checks),
        poolers && poolerTicks >= 0 ? perIteration(poolerTicks * msPerTick, checks) : Double.NaN,
        (end.gcMillis() - start.gcMillis()) / 1000.0 / secs * 100.0);
  }

  /** Milliseconds of CPU per check: NaN without checks or when unknown. */
  static double perIteration(double cpuMs, long checks) {
    return checks == 0 ? Double.NaN : cpuMs / checks;
  }

  private static long ticksBetween(long a, long b) {
    return a < 0 || b < 0 ? -1 : b - a;
  }

  private static double share(long ticks, double scale) {
    return ticks < 0 ? -1 : ticks * scale;
  }

  Memory memory() {
    return new Memory(heapPeak, heapLive, Runtime.getRuntime().maxMemory());
  }

  DatabaseGrowth growth() {
    double perHour = 3600.0 / dbSeconds() / (1024.0 * 1024.0);
    long engine = end.engineBytes() - start.engineBytes();
    long cms = end.cmsBytes() - start.cmsBytes();
    return new DatabaseGrowth(
        start.dbSize(),
        end.dbSize(),
        (end.dbSize() - start.dbSize()) * perHour,
        engine * perHour,
        cms * perHour,
        engine,
        cms);
  }
}
