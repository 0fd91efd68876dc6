package dev.toygres.bench.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.management.OperatingSystemMXBean;
import dev.toygres.controlplane.actor.ActorCheck;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Objects;

/**
 * What one worker process has done so far, read from the worker's own metrics
 * (docs/metrics.md#engine): health checks completed ({@code toygres.engine.activity.duration} of
 * {@link ActorCheck#QUICK}, the local activity, and {@link ActorCheck#NAME}, outcome completed; a
 * quick check that asked for the full one counts twice, which the benchmark's healthy targets never
 * do), orchestration steps committed ({@code toygres.engine.commits}), the statements that wrote
 * health checks and the checks they took ({@code toygres.health.write.group}, docs/metrics.md), and
 * the process's CPU time.
 *
 * @param role {@code main} (the benchmark's own process) or {@code worker-N}
 */
record WorkCounts(
    String role,
    long pid,
    long checks,
    long steps,
    long writeGroups,
    long groupedChecks,
    long cpuNanos) {
  private static final ObjectMapper JSON = new ObjectMapper();

  WorkCounts {
    Objects.requireNonNull(role, "role");
  }

  /** This process's counts, from {@code meters} (the worker's metrics). */
  static WorkCounts of(String role, MeterRegistry meters) {
    long checks = 0;
    for (String check : List.of(ActorCheck.QUICK, ActorCheck.NAME)) {
      for (Timer t :
          meters
              .find("toygres.engine.activity.duration")
              .tag("activity", check)
              .tag("outcome", "completed")
              .timers()) {
        checks += t.count();
      }
    }
    double steps = 0;
    for (Counter c : meters.find("toygres.engine.commits").counters()) {
      steps += c.count();
    }
    long groups = 0;
    double grouped = 0;
    for (DistributionSummary s : meters.find("toygres.health.write.group").summaries()) {
      groups += s.count();
      grouped += s.totalAmount();
    }
    return new WorkCounts(
        role,
        ProcessHandle.current().pid(),
        checks,
        Math.round(steps),
        groups,
        Math.round(grouped),
        ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime());
  }

  /** As one line of JSON (the worker-only process's answer). */
  String toJson() {
    ObjectNode o = JSON.createObjectNode();
    o.put("role", role);
    o.put("pid", pid);
    o.put("checks", checks);
    o.put("steps", steps);
    o.put("write_groups", writeGroups);
    o.put("grouped_checks", groupedChecks);
    o.put("cpu_nanos", cpuNanos);
    return o.toString();
  }

  /** Reads {@link #toJson()}. */
  static WorkCounts fromJson(String json) throws IOException {
    JsonNode o = JSON.readTree(json);
    return new WorkCounts(
        o.get("role").asText(),
        o.get("pid").asLong(),
        o.get("checks").asLong(),
        o.get("steps").asLong(),
        o.get("write_groups").asLong(),
        o.get("grouped_checks").asLong(),
        o.get("cpu_nanos").asLong());
  }

  /** The work done between {@code before} and this (same process). */
  WorkCounts since(WorkCounts before) {
    if (before.pid != pid || !before.role.equals(role)) {
      throw new IllegalArgumentException("counts of two processes: " + before + ", " + this);
    }
    return new WorkCounts(
        role,
        pid,
        checks - before.checks,
        steps - before.steps,
        writeGroups - before.writeGroups,
        groupedChecks - before.groupedChecks,
        cpuNanos - before.cpuNanos);
  }
}
