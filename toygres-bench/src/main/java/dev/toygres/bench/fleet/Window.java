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

  Cpu cpu(long checks, boolean poolers) {
    double secs = (end.wallNanos() - start.wallNanos()) / 1e9;
    int cores = Runtime.getRuntime().availableProcessors();
    double cpuScale = 100.0 / (secs * cores);
    double ticksScale = cpuScale / ProcCpu.TICKS_PER_SECOND;
    double msPerTick = 1000.0 / ProcCpu.TICKS_PER_SECOND;
    long jvmNanos = end.jvmCpuNanos() - start.jvmCpuNanos();
    long metaTicks = ticksBetween(start.metaTicks(), end.metaTicks());
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
