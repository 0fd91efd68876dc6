package dev.toygres.bench.fleet;

import dev.toygres.bench.fleet.FleetResult.Cpu;
import dev.toygres.bench.fleet.FleetResult.DatabaseGrowth;
import dev.toygres.bench.fleet.FleetResult.Memory;
import dev.toygres.bench.fleet.FleetResult.Queues;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.time.Duration;

/**
 * The measured window: snapshots at both edges, queue depths and heap sampled in between, the live
 * heap after a GC at its end. Derives the window's CPU, memory and database growth.
 */
record Window(Snapshot start, Snapshot end, Queues queues, long heapPeak, long heapLive) {

  /** Measures for {@code length}; the sampler has a connection of its own. */
  static Window measure(
      Connection m, Sampler sampler, String engineSchema, FleetEnvironment env, Duration length)
      throws Exception {
    Snapshot a = Snapshot.take(m, engineSchema, env);
    sampler.start();
    Thread.sleep(length.toMillis());
    Snapshot b = Snapshot.take(m, engineSchema, env);
    sampler.stop();
    System.gc();
    long live = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    return new Window(a, b, sampler.queues(), sampler.heapPeak(), live);
  }

  /** The window's length by the database's clock (the one health checks are stamped with). */
  double dbSeconds() {
    return Duration.between(start.dbNow(), end.dbNow()).toNanos() / 1e9;
  }

  Cpu cpu(long checks) {
    double secs = (end.wallNanos() - start.wallNanos()) / 1e9;
    int cores = Runtime.getRuntime().availableProcessors();
    double cpuScale = 100.0 / (secs * cores);
    double ticksScale = cpuScale / ProcCpu.TICKS_PER_SECOND;
    long jvmNanos = end.jvmCpuNanos() - start.jvmCpuNanos();
    return new Cpu(
        cores,
        jvmNanos / 1e9 * cpuScale,
        start.machine().total() < 0
            ? -1
            : 100.0
                * (end.machine().busy() - start.machine().busy())
                / Math.max(1, end.machine().total() - start.machine().total()),
        ticksBetween(start.metaTicks(), end.metaTicks(), ticksScale),
        ticksBetween(start.targetTicks(), end.targetTicks(), ticksScale),
        checks == 0 ? Double.NaN : jvmNanos / 1e6 / checks,
        (end.gcMillis() - start.gcMillis()) / 1000.0 / secs * 100.0);
  }

  private static double ticksBetween(long a, long b, double scale) {
    return a < 0 || b < 0 ? -1 : (b - a) * scale;
  }

  Memory memory() {
    return new Memory(heapPeak, heapLive, Runtime.getRuntime().maxMemory());
  }

  DatabaseGrowth growth() {
    double perHour = 3600.0 / dbSeconds() / (1024.0 * 1024.0);
    return new DatabaseGrowth(
        start.dbSize(),
        end.dbSize(),
        (end.dbSize() - start.dbSize()) * perHour,
        (end.engineBytes() - start.engineBytes()) * perHour,
        (end.cmsBytes() - start.cmsBytes()) * perHour);
  }
}
