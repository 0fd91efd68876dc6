package dev.toygres.bench.fleet;

import static dev.toygres.bench.fleet.Units.f1;
import static dev.toygres.bench.fleet.Units.ms;
import static dev.toygres.bench.fleet.Units.pct;

import dev.toygres.controlplane.config.Durations;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Prints the runs side by side: one row per figure, one column per run. The row labels and units
 * are those of the figures recorded in docs/benchmarks.md: keep them, so runs stay comparable.
 */
final class FleetReport {
  private static final double MB = 1024.0 * 1024.0;

  private FleetReport() {}

  static void print(List<FleetResult> runs, PrintStream out) {
    ReportTable<FleetResult> t = new ReportTable<>(runs);
    throughput(t);
    punctuality(t);
    cpu(t);
    memoryAndQueues(t);
    database(t);
    doctorAndTimings(t);
    modes(runs, t);
    out.println();
    out.println(
        "fleet benchmark: one worker process, real probes (figures over the measured window)");
    t.print(out);
    out.flush();
  }

  private static void throughput(ReportTable<FleetResult> t) {
    t.row("instances", r -> String.format(Locale.ROOT, "%,d", r.shape().instances()))
        .row("health interval", r -> Durations.format(r.shape().interval()))
        .row(
            "activity slots / pool / dispatchers",
            r ->
                r.shape().activitySlots()
                    + " / "
                    + r.shape().poolSize()
                    + " / "
                    + r.shape().dispatchers())
        .row(
            "probe targets / via",
            r ->
                r.shape().targets()
                    + " / "
                    + r.shape().via().label()
                    + (r.shape().targetsNice() > 0 ? ", nice " + r.shape().targetsNice() : ""))
        .row("ideal iterations/s (N/interval)", r -> f1(r.throughput().idealPerSecond()))
        .row(
            "achieved iterations/s",
            r ->
                f1(r.throughput().perSecond())
                    + String.format(Locale.ROOT, " (%.0f%%)", r.throughput().percentOfIdeal()))
        .row(
            "checks in window / window",
            r ->
                String.format(
                    Locale.ROOT,
                    "%,d / %.0f s",
                    r.throughput().checks(),
                    r.throughput().windowSeconds()));
  }

  private static void punctuality(ReportTable<FleetResult> t) {
    t.row(
            "probe lateness p50 / p99 / max",
            r -> {
              FleetResult.Punctuality p = r.punctuality();
              return ms(p.p50Ms()) + " / " + ms(p.p99Ms()) + " / " + ms(p.maxMs());
            })
        .row(
            "checks late by more than an interval",
            r -> String.format(Locale.ROOT, "%,d", r.punctuality().lateByMoreThanInterval()))
        .row(
            "overdue at window end (max)",
            r -> {
              FleetResult.Punctuality p = r.punctuality();
              return String.format(Locale.ROOT, "%,d", p.overdueAtEnd())
                  + (p.overdueAtEnd() > 0 ? " (" + ms(p.maxOverdueMs()) + ")" : "");
            })
        .row(
            "instances with no check in window",
            r -> String.format(Locale.ROOT, "%,d", r.punctuality().withoutCheckInWindow()))
        .row(
            "probe time p50 / p99; failed",
            r ->
                ms(r.probes().p50Ms())
                    + " / "
                    + ms(r.probes().p99Ms())
                    + "; "
                    + r.probes().failed());
  }

  private static void cpu(ReportTable<FleetResult> t) {
    t.row("CPU of the JVM (% of all cores)", r -> pct(r.cpu().jvmPct()) + " of " + r.cpu().cores())
        .row("JVM CPU per iteration", r -> f1(r.cpu().jvmMsPerIteration()) + " ms")
        .row("CPU of metadata PostgreSQL", r -> pct(r.cpu().metaPgPct()))
        .row("CPU of probe-target PostgreSQLs", r -> pct(r.cpu().targetsPgPct()))
        .row("CPU of their pgbouncers", r -> poolers(r, pct(r.cpu().poolersPct())))
        .row("CPU of the whole machine", r -> pct(r.cpu().machinePct()))
        .row("  of which other processes", r -> pct(r.cpu().otherProcessesPct()))
        .row("GC time", r -> pct(r.cpu().gcPct()))
        .row(
            "control-plane CPU per iteration",
            r ->
                f1(r.cpu().controlPlaneMsPerIteration())
                    + " ms (JVM "
                    + f1(r.cpu().jvmMsPerIteration())
                    + " + PG "
                    + f1(r.cpu().metaPgMsPerIteration())
                    + ")")
        .row(
            "probe-side CPU per iteration",
            r ->
                "targets "
                    + f1(r.cpu().targetsMsPerIteration())
                    + poolers(r, " + pgbouncer " + f1(r.cpu().poolersMsPerIteration()), "")
                    + " ms");
  }

  private static String poolers(FleetResult r, String cell) {
    return poolers(r, cell, "-");
  }

  private static String poolers(FleetResult r, String cell, String none) {
    return r.shape().via() == TargetsVia.PGBOUNCER ? cell : none;
  }

  private static void memoryAndQueues(ReportTable<FleetResult> t) {
    t.row(
            "heap peak / live after GC / max",
            r ->
                String.format(
                    Locale.ROOT,
                    "%.0f / %.0f / %.0f MB",
                    r.memory().heapPeakBytes() / MB,
                    r.memory().heapLiveBytes() / MB,
                    r.memory().heapMaxBytes() / MB))
        .row(
            "avg ready activities / running",
            r -> f1(r.queues().readyActivities()) + " / " + f1(r.queues().runningActivities()))
        .row("avg orchestrations with ready work", r -> f1(r.queues().readyOrchestrations()));
  }

  private static void database(ReportTable<FleetResult> t) {
    t.row(
            "metadata DB size start -> end",
            r ->
                String.format(
                    Locale.ROOT,
                    "%.0f -> %.0f MB",
                    r.growth().sizeStartBytes() / MB,
                    r.growth().sizeEndBytes() / MB))
        .row(
            "DB growth/h, no purge (engine+CMS)",
            r ->
                String.format(
                    Locale.ROOT,
                    "%.0f MB/h (%.0f + %.0f)",
                    r.growth().totalMbPerHour(),
                    r.growth().engineMbPerHour(),
                    r.growth().cmsMbPerHour()))
        // executions are kept 1 h and purged every 10 min: at most 70 min of them
        .row(
            "with the pruner: engine plateau",
            r -> String.format(Locale.ROOT, "~%.0f MB", r.growth().enginePlateauMb()))
        .row(
            "  then growth/h (health checks, 7 d)",
            r -> String.format(Locale.ROOT, "%.0f MB/h", r.growth().cmsMbPerHour()))
        .row(
            "engine purge: executions / time",
            r ->
                String.format(
                    Locale.ROOT,
                    "%,d / %.2f s (%,.0f/s)",
                    r.purge().executions(),
                    r.purge().seconds(),
                    r.purge().perSecond()))
        .row("  pruner round (10 min of executions)", FleetReport::prunerRound)
        .row(
            "engine / CMS growth per iteration",
            r ->
                String.format(
                    Locale.ROOT,
                    "%,.0f / %,.0f B",
                    r.engineBytesPerIteration(),
                    r.cmsBytesPerIteration()));
  }

  /**
   * What one pruner round would purge at this rate (10 min of ended executions, as measured, or of
   * iterations when not), and how long.
   */
  private static String prunerRound(FleetResult r) {
    double span = r.purge().spanSeconds();
    double perRound =
        Double.isNaN(span) ? r.throughput().perSecond() * 600 : r.purge().executions() * 600 / span;
    return String.format(
        Locale.ROOT,
        "%,.0f, ~%.0f s",
        perRound,
        r.purge().executions() == 0 ? 0 : perRound / r.purge().perSecond());
  }

  private static void doctorAndTimings(ReportTable<FleetResult> t) {
    t.row(
            "doctor, whole fleet: median; queries",
            r -> ms(r.doctor().medianMs()) + "; " + r.doctor().queries())
        .row("  the same, worker stopped (idle)", r -> ms(r.doctor().idleMedianMs()))
        .row(
            "doctor's diagnoses",
            r ->
                r.doctor().diagnoses().entrySet().stream()
                    .filter(e -> e.getValue() > 0)
                    .map(e -> e.getKey() + " " + e.getValue())
                    .collect(Collectors.joining(", ")))
        .row(
            "register / start actors / first sweep",
            r -> {
              FleetResult.Timings s = r.timings();
              return String.format(
                      Locale.ROOT,
                      "%.0f / %.0f / %.0f s",
                      s.registerSeconds(),
                      s.launchSeconds(),
                      s.firstSweepSeconds())
                  + (s.neverChecked() > 0 ? " (" + s.neverChecked() + " never checked)" : "");
            })
        .row(
            "warm-up after the first sweep",
            r -> String.format(Locale.ROOT, "%.0f s", r.timings().warmupSeconds()));
  }

  /** Rows of --servers and --recovery, only when some run used them. */
  private static void modes(List<FleetResult> runs, ReportTable<FleetResult> t) {
    if (runs.stream().anyMatch(r -> r.servers().count() > 1)) {
      t.row("servers", r -> Integer.toString(r.servers().count()))
          .row(
              "  per process: checks (share) / steps / checks per write / CPU",
              r ->
                  r.servers().processes().stream()
                      .map(
                          p ->
                              String.format(
                                  Locale.ROOT,
                                  "%s %,d (%s) / %,d / %s / %s",
                                  p.role(),
                                  p.checks(),
                                  pct(r.servers().checkSharePct(p)),
                                  p.steps(),
                                  f1(p.checksPerWrite()),
                                  pct(p.cpuPct())))
                      .collect(Collectors.joining("; ")));
    }
    if (runs.stream().anyMatch(r -> r.recovery() != null)) {
      t.row(
          "engine state lost: fresh actors / all checked after",
          r -> {
            FleetResult.Recovery rec = r.recovery();
            if (rec == null) {
              return "-";
            }
            return String.format(Locale.ROOT, "%s / %.1f s", f1(rec.actorsSeconds()), rec.seconds())
                + (rec.unchecked() > 0 ? " (" + rec.unchecked() + " never checked)" : "");
          });
    }
  }
}
