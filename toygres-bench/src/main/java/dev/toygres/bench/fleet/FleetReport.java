package dev.toygres.bench.fleet;

import dev.toygres.controlplane.config.Durations;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Prints the runs side by side: one row per figure, one column per run. */
final class FleetReport {
  private static final double MB = 1024.0 * 1024.0;

  private FleetReport() {}

  static void print(List<FleetRun.Result> runs, PrintStream out) {
    List<String[]> rows = new ArrayList<>();
    row(rows, runs, "instances", r -> String.format(Locale.ROOT, "%,d", r.instances()));
    row(rows, runs, "health interval", r -> Durations.format(r.interval()));
    row(
        rows,
        runs,
        "activity slots / pool / dispatchers",
        r -> r.activitySlots() + " / " + r.poolSize() + " / " + r.dispatchers());
    row(rows, runs, "ideal iterations/s (N/interval)", r -> f1(r.idealPerSecond()));
    row(
        rows,
        runs,
        "achieved iterations/s",
        r ->
            f1(r.iterationsPerSecond())
                + String.format(
                    Locale.ROOT, " (%.0f%%)", 100 * r.iterationsPerSecond() / r.idealPerSecond()));
    row(
        rows,
        runs,
        "checks in window / window",
        r -> String.format(Locale.ROOT, "%,d / %.0f s", r.checks(), r.windowSeconds()));
    row(
        rows,
        runs,
        "probe lateness p50 / p99 / max",
        r -> ms(r.latenessP50Ms()) + " / " + ms(r.latenessP99Ms()) + " / " + ms(r.latenessMaxMs()));
    row(
        rows,
        runs,
        "checks late by more than an interval",
        r -> String.format(Locale.ROOT, "%,d", r.lateByMoreThanInterval()));
    row(
        rows,
        runs,
        "overdue at window end (max)",
        r ->
            String.format(Locale.ROOT, "%,d", r.overdueAtEnd())
                + (r.overdueAtEnd() > 0 ? " (" + ms(r.maxOverdueMs()) + ")" : ""));
    row(
        rows,
        runs,
        "instances with no check in window",
        r -> String.format(Locale.ROOT, "%,d", r.withoutCheckInWindow()));
    row(
        rows,
        runs,
        "probe time p50 / p99; failed",
        r -> ms(r.probeP50Ms()) + " / " + ms(r.probeP99Ms()) + "; " + r.failedProbes());
    row(
        rows,
        runs,
        "CPU of the JVM (% of all cores)",
        r -> pct(r.jvmCpuPct()) + " of " + r.cores());
    row(rows, runs, "JVM CPU per iteration", r -> f1(r.jvmCpuMsPerIteration()) + " ms");
    row(rows, runs, "CPU of metadata PostgreSQL", r -> pct(r.metaPgCpuPct()));
    row(rows, runs, "CPU of probe-target PostgreSQLs", r -> pct(r.targetsPgCpuPct()));
    row(rows, runs, "CPU of the whole machine", r -> pct(r.machineCpuPct()));
    row(
        rows,
        runs,
        "  of which other processes",
        r ->
            r.machineCpuPct() < 0 || r.metaPgCpuPct() < 0 || r.targetsPgCpuPct() < 0
                ? "n/a"
                : pct(
                    Math.max(
                        0,
                        r.machineCpuPct()
                            - r.jvmCpuPct()
                            - r.metaPgCpuPct()
                            - r.targetsPgCpuPct())));
    row(rows, runs, "GC time", r -> pct(r.gcPct()));
    row(
        rows,
        runs,
        "heap peak / live after GC / max",
        r ->
            String.format(
                Locale.ROOT,
                "%.0f / %.0f / %.0f MB",
                r.heapPeakBytes() / MB,
                r.heapLiveBytes() / MB,
                r.heapMaxBytes() / MB));
    row(
        rows,
        runs,
        "avg ready activities / running",
        r -> f1(r.activityBacklog()) + " / " + f1(r.activitiesInFlight()));
    row(rows, runs, "avg orchestrations with ready work", r -> f1(r.readyOrchestrations()));
    row(
        rows,
        runs,
        "metadata DB size start -> end",
        r ->
            String.format(
                Locale.ROOT, "%.0f -> %.0f MB", r.dbSizeStart() / MB, r.dbSizeEnd() / MB));
    row(
        rows,
        runs,
        "DB growth/h, no purge (engine+CMS)",
        r ->
            String.format(
                Locale.ROOT,
                "%.0f MB/h (%.0f + %.0f)",
                r.dbGrowthMbPerHour(),
                r.engineGrowthMbPerHour(),
                r.cmsGrowthMbPerHour()));
    row(
        rows,
        runs,
        "with the pruner: engine plateau",
        // executions are kept 1 h and purged every 10 min: at most 70 min of them
        r -> String.format(Locale.ROOT, "~%.0f MB", r.engineGrowthMbPerHour() * 70 / 60));
    row(
        rows,
        runs,
        "  then growth/h (health checks, 7 d)",
        r -> String.format(Locale.ROOT, "%.0f MB/h", r.cmsGrowthMbPerHour()));
    row(
        rows,
        runs,
        "engine purge: executions / time",
        r ->
            String.format(
                Locale.ROOT,
                "%,d / %.2f s (%,.0f/s)",
                r.purgedExecutions(),
                r.purgeSeconds(),
                r.purgedExecutions() / Math.max(1e-9, r.purgeSeconds())));
    row(
        rows,
        runs,
        "  pruner round (10 min of executions)",
        r -> {
          double perRound = r.iterationsPerSecond() * 600;
          double rate = r.purgedExecutions() / Math.max(1e-9, r.purgeSeconds());
          return String.format(
              Locale.ROOT,
              "%,.0f, ~%.0f s",
              perRound,
              r.purgedExecutions() == 0 ? 0 : perRound / rate);
        });
    row(
        rows,
        runs,
        "doctor, whole fleet: median; queries",
        r -> ms(r.doctorMedianMs()) + "; " + r.doctorQueries());
    row(rows, runs, "  the same, worker stopped (idle)", r -> ms(r.idleDoctorMedianMs()));
    row(
        rows,
        runs,
        "doctor's diagnoses",
        r ->
            r.diagnoses().entrySet().stream()
                .filter(e -> e.getValue() > 0)
                .map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", ")));
    row(
        rows,
        runs,
        "register / start actors / first sweep",
        r ->
            String.format(
                    Locale.ROOT,
                    "%.0f / %.0f / %.0f s",
                    r.registerSeconds(),
                    r.launchSeconds(),
                    r.firstSweepSeconds())
                + (r.neverChecked() > 0 ? " (" + r.neverChecked() + " never checked)" : ""));
    int[] width = new int[runs.size() + 1];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    out.println();
    out.println(
        "fleet benchmark: one worker process, real probes (figures over the measured window)");
    for (int k = 0; k < rows.size(); k++) {
      String[] row = rows.get(k);
      StringBuilder line = new StringBuilder("| ");
      for (int i = 0; i < row.length; i++) {
        String cell = row[i];
        line.append(i == 0 ? pad(cell, width[i]) : padLeft(cell, width[i])).append(" | ");
      }
      out.println(line.toString().stripTrailing());
      if (k == 0) {
        StringBuilder sep = new StringBuilder("|");
        for (int w : width) {
          sep.append("-".repeat(w + 2)).append("|");
        }
        out.println(sep);
      }
    }
    out.flush();
  }

  private static void row(
      List<String[]> rows,
      List<FleetRun.Result> runs,
      String label,
      Function<FleetRun.Result, String> cell) {
    String[] row = new String[runs.size() + 1];
    row[0] = label;
    for (int i = 0; i < runs.size(); i++) {
      row[i + 1] = cell.apply(runs.get(i));
    }
    rows.add(row);
  }

  static String ms(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    if (Math.abs(v) >= 10_000) {
      return String.format(Locale.ROOT, "%.1f s", v / 1000);
    }
    return String.format(Locale.ROOT, "%.0f ms", v);
  }

  private static String f1(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f", v);
  }

  private static String pct(double v) {
    return v < 0 || Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.0f%%", v);
  }

  private static String pad(String s, int w) {
    return s + " ".repeat(w - s.length());
  }

  private static String padLeft(String s, int w) {
    return " ".repeat(w - s.length()) + s;
  }
}
