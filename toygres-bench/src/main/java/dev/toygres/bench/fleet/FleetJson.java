package dev.toygres.bench.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The fleet benchmark's JSON summary: one object per run, one a line (JSON Lines), with the figures
 * issue 14 is measured by. Durations are in the unit their name ends with; CPU per iteration is in
 * ms, per-iteration growth in bytes. A figure that is unknown (no checks, /proc unreadable, no
 * pooler) is null. Keys are only ever added, never renamed, so that recorded summaries compare.
 */
final class FleetJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private FleetJson() {}

  static void print(List<FleetResult> runs, PrintStream out) {
    for (FleetResult r : runs) {
      out.println(line(r));
    }
    out.flush();
  }

  /** One run as a single line of JSON. */
  static String line(FleetResult r) {
    try {
      return JSON.writeValueAsString(of(r));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ObjectNode of(FleetResult r) {
    FleetResult.Shape shape = r.shape();
    FleetResult.Throughput t = r.throughput();
    FleetResult.Punctuality p = r.punctuality();
    FleetResult.Cpu cpu = r.cpu();
    ObjectNode o = JSON.createObjectNode();
    o.put("benchmark", "fleet");
    o.put("window_start", t.windowStart().toString());
    o.put("instances", shape.instances());
    o.put("interval_s", shape.interval().toMillis() / 1000.0);
    o.put("activity_slots", shape.activitySlots());
    o.put("pool_size", shape.poolSize());
    o.put("dispatchers", shape.dispatchers());
    o.put("targets", shape.targets());
    o.put("targets_via", shape.via().label());
    o.put("targets_nice", shape.targetsNice());
    number(o, "window_s", t.windowSeconds());
    o.put("checks", t.checks());
    number(o, "ideal_per_s", t.idealPerSecond());
    number(o, "achieved_per_s", t.perSecond());
    number(o, "achieved_pct", t.percentOfIdeal());
    number(o, "lateness_p50_ms", p.p50Ms());
    number(o, "lateness_p99_ms", p.p99Ms());
    number(o, "lateness_max_ms", p.maxMs());
    o.put("late_by_more_than_interval", p.lateByMoreThanInterval());
    o.put("overdue_at_end", p.overdueAtEnd());
    number(o, "max_overdue_ms", p.maxOverdueMs());
    o.put("instances_without_check", p.withoutCheckInWindow());
    number(o, "probe_p50_ms", r.probes().p50Ms());
    number(o, "probe_p99_ms", r.probes().p99Ms());
    o.put("probes_failed", r.probes().failed());
    number(o, "cp_cpu_ms_per_iteration", cpu.controlPlaneMsPerIteration());
    number(o, "jvm_cpu_ms_per_iteration", cpu.jvmMsPerIteration());
    number(o, "meta_pg_cpu_ms_per_iteration", cpu.metaPgMsPerIteration());
    number(o, "target_cpu_ms_per_iteration", cpu.targetsMsPerIteration());
    number(o, "pgbouncer_cpu_ms_per_iteration", cpu.poolersMsPerIteration());
    percent(o, "machine_cpu_pct", cpu.machinePct());
    percent(o, "other_processes_cpu_pct", cpu.otherProcessesPct());
    number(o, "engine_bytes_per_iteration", r.engineBytesPerIteration());
    number(o, "cms_bytes_per_iteration", r.cmsBytesPerIteration());
    number(o, "register_s", r.timings().registerSeconds());
    number(o, "launch_s", r.timings().launchSeconds());
    number(o, "first_sweep_s", r.timings().firstSweepSeconds());
    o.put("never_checked", r.timings().neverChecked());
    number(o, "warmup_s", r.timings().warmupSeconds());
    number(o, "doctor_ms", r.doctor().medianMs());
    number(o, "doctor_idle_ms", r.doctor().idleMedianMs());
    servers(o, r.servers());
    recovery(o, r.recovery());
    return o;
  }

  /** {@code servers}; {@code processes}: each one's work in the window, null with one server. */
  private static void servers(ObjectNode o, FleetResult.Servers servers) {
    o.put("servers", servers.count());
    if (servers.processes().isEmpty()) {
      o.putNull("processes");
      return;
    }
    ArrayNode list = o.putArray("processes");
    for (FleetResult.ProcessWork p : servers.processes()) {
      ObjectNode e = list.addObject();
      e.put("role", p.role());
      e.put("pid", p.pid());
      e.put("checks", p.checks());
      number(e, "check_share_pct", servers.checkSharePct(p));
      e.put("steps", p.steps());
      e.put("health_writes", p.writeGroups());
      number(e, "checks_per_health_write", p.checksPerWrite());
      number(e, "cpu_pct", p.cpuPct());
      number(e, "cpu_ms_per_check", p.cpuMsPerCheck());
    }
  }

  /**
   * {@code recovery_s}, {@code recovery_actors_s} and {@code recovery_unchecked}: null without
   * --recovery.
   */
  private static void recovery(ObjectNode o, FleetResult.Recovery recovery) {
    if (recovery == null) {
      o.putNull("recovery_s");
      o.putNull("recovery_actors_s");
      o.putNull("recovery_unchecked");
      return;
    }
    number(o, "recovery_s", recovery.seconds());
    number(o, "recovery_actors_s", recovery.actorsSeconds());
    o.put("recovery_unchecked", recovery.unchecked());
  }

  /** A figure rounded to 3 decimals; null when NaN or infinite. */
  private static void number(ObjectNode o, String key, double v) {
    if (Double.isFinite(v)) {
      o.put(key, Math.round(v * 1000) / 1000.0);
    } else {
      o.putNull(key);
    }
  }

  /** A percentage; null when unknown (-1 or NaN). */
  private static void percent(ObjectNode o, String key, double v) {
    number(o, key, v < 0 ? Double.NaN : v);
  }
}
