package dev.toygres.bench.fleet;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One run's figures, in small records that {@link FleetReport} and {@link FleetJson} render. Rates
 * and CPU are over the measured window; CPU percentages are of all the machine's cores, -1 where
 * /proc was unreadable; per-iteration figures are NaN when unknown or without checks.
 */
record FleetResult(
    Shape shape,
    Timings timings,
    Throughput throughput,
    Punctuality punctuality,
    ProbeTimes probes,
    Cpu cpu,
    Memory memory,
    Queues queues,
    DatabaseGrowth growth,
    Purge purge,
    Doctor doctor,
    Servers servers,
    Recovery recovery) {
  FleetResult {
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(timings, "timings");
    Objects.requireNonNull(throughput, "throughput");
    Objects.requireNonNull(punctuality, "punctuality");
    Objects.requireNonNull(probes, "probes");
    Objects.requireNonNull(cpu, "cpu");
    Objects.requireNonNull(memory, "memory");
    Objects.requireNonNull(queues, "queues");
    Objects.requireNonNull(growth, "growth");
    Objects.requireNonNull(purge, "purge");
    Objects.requireNonNull(doctor, "doctor");
    Objects.requireNonNull(servers, "servers");
  }

  /** A run of one server, without the recovery phase. */
  FleetResult(
      Shape shape,
      Timings timings,
      Throughput throughput,
      Punctuality punctuality,
      ProbeTimes probes,
      Cpu cpu,
      Memory memory,
      Queues queues,
      DatabaseGrowth growth,
      Purge purge,
      Doctor doctor) {
    this(
        shape,
        timings,
        throughput,
        punctuality,
        probes,
        cpu,
        memory,
        queues,
        growth,
        purge,
        doctor,
        Servers.one(),
        null);
  }

  /** How many bytes the engine's schema grew by per iteration in the window. */
  double engineBytesPerIteration() {
    return DatabaseGrowth.perIteration(growth.engineGrowthBytes(), throughput);
  }

  /** How many bytes the CMS (health checks, instances) grew by per iteration in the window. */
  double cmsBytesPerIteration() {
    return DatabaseGrowth.perIteration(growth.cmsGrowthBytes(), throughput);
  }

  /**
   * What was run: the fleet, its interval, the worker's sizing, how probes reach targets and the
   * targets' niceness ({@link TargetsNice}, 0 when left at the control plane's priority).
   */
  record Shape(
      int instances,
      Duration interval,
      int activitySlots,
      int poolSize,
      int dispatchers,
      int targets,
      TargetsVia via,
      int targetsNice) {
    Shape {
      Objects.requireNonNull(interval, "interval");
      Objects.requireNonNull(via, "via");
      if (instances < 1 || activitySlots < 1 || poolSize < 1 || dispatchers < 1 || targets < 1) {
        throw new IllegalArgumentException(
            "a run needs instances, slots, a pool, dispatchers and targets");
      }
    }

    /** The iterations per second a perfectly punctual fleet makes: N / interval. */
    double idealPerSecond() {
      return instances / (interval.toNanos() / 1e9);
    }
  }

  /**
   * How long the phases before the window took; instances never checked by the first sweep; the
   * warm-up after it.
   */
  record Timings(
      double registerSeconds,
      double launchSeconds,
      double firstSweepSeconds,
      int neverChecked,
      double warmupSeconds) {
    Timings {
      if (neverChecked < 0) {
        throw new IllegalArgumentException("neverChecked must not be negative");
      }
    }
  }

  /**
   * Health checks written in the window (by the database's clock) against the ideal rate; the
   * window starts at {@code windowStart}.
   */
  record Throughput(
      Instant windowStart,
      double windowSeconds,
      long checks,
      double perSecond,
      double idealPerSecond) {
    Throughput {
      Objects.requireNonNull(windowStart, "windowStart");
      if (windowSeconds <= 0 || checks < 0) {
        throw new IllegalArgumentException("a window has a positive length and checks >= 0");
      }
    }

    static Throughput of(Instant windowStart, long checks, double windowSeconds, Shape shape) {
      return new Throughput(
          windowStart, windowSeconds, checks, checks / windowSeconds, shape.idealPerSecond());
    }

    /** The achieved rate as a percentage of the ideal. */
    double percentOfIdeal() {
      return 100 * perSecond / idealPerSecond;
    }
  }

  /** How late the window's checks ran against their due time (see {@link Lateness}). */
  record Punctuality(
      double p50Ms,
      double p99Ms,
      double maxMs,
      int lateByMoreThanInterval,
      int overdueAtEnd,
      double maxOverdueMs,
      int withoutCheckInWindow) {
    static Punctuality of(Lateness.Result late, Duration interval) {
      return new Punctuality(
          late.percentile(50),
          late.percentile(99),
          late.percentile(100),
          late.laterThan(interval.toMillis()),
          late.overdueAtEnd(),
          late.maxOverdueMs(),
          late.instancesWithoutCheck());
    }
  }

  /** The probes' own response times in the window, and how many were not healthy. */
  record ProbeTimes(double p50Ms, double p99Ms, long failed) {}

  /**
   * CPU over the window: shares of all cores (-1 unknown; {@code poolersPct} NaN without poolers)
   * and milliseconds per iteration (NaN when unknown, without checks, or without poolers). The
   * control plane is the JVM and the metadata PostgreSQL; the probe targets' PostgreSQLs and their
   * poolers are what a probe costs the probed side.
   */
  record Cpu(
      int cores,
      double jvmPct,
      double machinePct,
      double metaPgPct,
      double targetsPgPct,
      double poolersPct,
      double jvmMsPerIteration,
      double metaPgMsPerIteration,
      double targetsMsPerIteration,
      double poolersMsPerIteration,
      double gcPct) {
    Cpu {
      if (cores < 1) {
        throw new IllegalArgumentException("cores must be at least 1");
      }
    }

    /** The JVM's and the metadata PostgreSQL's CPU per iteration: the control plane's cost. */
    double controlPlaneMsPerIteration() {
      return jvmMsPerIteration + metaPgMsPerIteration;
    }

    /**
     * The machine's CPU not used by the JVM, the benchmark's PostgreSQLs or its poolers; -1 if
     * unknown.
     */
    double otherProcessesPct() {
      if (machinePct < 0 || metaPgPct < 0 || targetsPgPct < 0 || poolersPct < 0) {
        return -1;
      }
      double poolers = Double.isNaN(poolersPct) ? 0 : poolersPct;
      return Math.max(0, machinePct - jvmPct - metaPgPct - targetsPgPct - poolers);
    }
  }

  /** The JVM's heap: peak during the window, live after a GC at its end, and the maximum. */
  record Memory(long heapPeakBytes, long heapLiveBytes, long heapMaxBytes) {}

  /** Engine queue depths, averaged over the window's once-a-second samples (NaN for none). */
  record Queues(double readyActivities, double runningActivities, double readyOrchestrations) {}

  /**
   * The metadata database's size at the window's edges, its growth per hour, and how many bytes the
   * engine's schema and the CMS's grew by (tables with their indexes and TOAST).
   */
  record DatabaseGrowth(
      long sizeStartBytes,
      long sizeEndBytes,
      double totalMbPerHour,
      double engineMbPerHour,
      double cmsMbPerHour,
      long engineGrowthBytes,
      long cmsGrowthBytes) {
    /** {@code bytes} per check of {@code throughput}; NaN without checks. */
    static double perIteration(long bytes, Throughput throughput) {
      return throughput.checks() == 0 ? Double.NaN : (double) bytes / throughput.checks();
    }

    /** The engine's share once the pruner keeps executions 1 h, purging every 10 min: 70 min. */
    double enginePlateauMb() {
      // The engine's space stops growing once its dead rows are reused (none when it shrank).
      return Math.max(0, engineMbPerHour) * 70 / 60;
    }
  }

  /**
   * The engine purge of every execution that ended before the window's end: {@code executions} in
   * {@code seconds}, of those ended in the {@code spanSeconds} from the launch to the window's end
   * (NaN: unknown, one per iteration assumed).
   */
  record Purge(int executions, double seconds, double spanSeconds) {
    Purge {
      if (executions < 0 || seconds < 0 || spanSeconds <= 0) {
        throw new IllegalArgumentException(
            "a purge counts executions, time and their span: >= 0, >= 0, > 0");
      }
    }

    Purge(int executions, double seconds) {
      this(executions, seconds, Double.NaN);
    }

    double perSecond() {
      return executions / Math.max(1e-9, seconds);
    }
  }

  /** The doctor over the whole fleet: median time running and idle, statements, diagnoses. */
  record Doctor(
      double medianMs, double idleMedianMs, long queries, Map<String, Integer> diagnoses) {
    Doctor {
      diagnoses =
          Collections.unmodifiableSortedMap(
              new TreeMap<>(Objects.requireNonNull(diagnoses, "diagnoses")));
    }
  }

  /**
   * The server processes that shared the fleet, and what each did in the window: with one server,
   * no breakdown (its worker does not count its work).
   */
  record Servers(int count, List<ProcessWork> processes) {
    Servers {
      processes = List.copyOf(processes);
      if (count < 1 || (count > 1 && processes.size() != count)) {
        throw new IllegalArgumentException("servers: at least one; with two or more, each's work");
      }
    }

    static Servers one() {
      return new Servers(1, List.of());
    }

    /** The health checks all processes completed in the window. */
    long checks() {
      return processes.stream().mapToLong(ProcessWork::checks).sum();
    }

    /** {@code p}'s share of {@link #checks()} in percent; NaN without checks. */
    double checkSharePct(ProcessWork p) {
      long all = checks();
      return all == 0 ? Double.NaN : 100.0 * p.checks() / all;
    }
  }

  /**
   * One server process's work in the window: health-check activities completed, orchestration steps
   * committed, statements that wrote health checks and the checks they took, its JVM's CPU (share
   * of all cores, and ms per check; NaN without checks).
   */
  record ProcessWork(
      String role,
      long pid,
      long checks,
      long steps,
      long writeGroups,
      long groupedChecks,
      double cpuPct,
      double cpuMs) {
    ProcessWork {
      Objects.requireNonNull(role, "role");
    }

    /** Checks written per health-write statement; NaN when none was written. */
    double checksPerWrite() {
      return writeGroups == 0 ? Double.NaN : (double) groupedChecks / writeGroups;
    }

    double cpuMsPerCheck() {
      return checks == 0 ? Double.NaN : cpuMs / checks;
    }
  }

  /**
   * The recovery after the engine's state was lost (its schema dropped and made again), from the
   * control plane's start: until every instance had a health check newer than that start ({@code
   * seconds}), and until every instance had a fresh actor recorded ({@code actorsSeconds}, NaN if
   * some never had); how many had no check when the benchmark stopped waiting.
   */
  record Recovery(double seconds, double actorsSeconds, int unchecked, int instances) {
    Recovery {
      if (unchecked < 0 || unchecked > instances) {
        throw new IllegalArgumentException("unchecked must be between 0 and the instances");
      }
    }
  }
}
