package dev.toygres.bench.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small fleet end to end: real probe targets, actors wired as the server wires them. Checks what
 * must hold whatever the machine's speed (every instance checked, the doctor finds them healthy,
 * everything stopped), never the figures. Through pgbouncer it needs Debian's pgbouncer, which the
 * benchmark installs with apt-get when missing (as root).
 */
class FleetBenchmarkIT {
  @TempDir Path dir;

  private FleetSettings settings(TargetsVia via, boolean json) {
    return settings(via, json, 0, Duration.ofSeconds(1));
  }

  /** 12 instances at 2 s; {@code warmup} null for the default (settling). */
  private FleetSettings settings(TargetsVia via, boolean json, int targetsNice, Duration warmup) {
    return new FleetSettings(
        List.of(12),
        List.of(Duration.ofSeconds(2)),
        List.of(8),
        Duration.ofSeconds(3),
        warmup,
        2,
        via,
        10,
        1,
        Duration.ofSeconds(5),
        1,
        dir.resolve("fleet"),
        json,
        1,
        false,
        targetsNice);
  }

  /** 20 instances at 5 s, directly on the targets, for the modes' tests. */
  private FleetSettings modes(int servers, boolean recovery) {
    return new FleetSettings(
        List.of(20),
        List.of(Duration.ofSeconds(5)),
        List.of(8),
        Duration.ofSeconds(15),
        Duration.ofSeconds(1),
        2,
        TargetsVia.DIRECT,
        10,
        1,
        Duration.ofSeconds(5),
        1,
        dir.resolve("fleet"),
        true,
        servers,
        recovery,
        0);
  }

  @Test
  void afterTheEnginesStateIsLostTheSupervisorBringsEveryInstanceBackUnderMonitoring()
      throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream log = new ByteArrayOutputStream();

    List<FleetResult> results =
        FleetBenchmark.run(
            modes(1, true),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(log, true, StandardCharsets.UTF_8));

    FleetResult r = results.get(0);
    assertThat(r.timings().neverChecked()).isZero();
    assertThat(r.recovery()).isNotNull();
    assertThat(r.recovery().unchecked()).isZero();
    assertThat(r.recovery().instances()).isEqualTo(20);
    JsonNode json = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8).strip());
    assertThat(json.get("recovery_s").asDouble()).isPositive();
    assertThat(json.get("recovery_unchecked").asInt()).isZero();
    // the supervisor replaced every lost actor, and no sooner than the start it is timed from
    assertThat(json.get("recovery_actors_s").asDouble())
        .isPositive()
        .isLessThanOrEqualTo(json.get("recovery_s").asDouble());
    assertThat(json.get("first_sweep_s").asDouble())
        .isGreaterThanOrEqualTo(json.get("launch_s").asDouble());
    assertThat(log.toString(StandardCharsets.UTF_8))
        .contains(
            "schema toygres_durable dropped",
            "| engine state lost: fresh actors / all checked after ");
    assertThat(socketDirectoriesOfThisJvm()).isEmpty();
  }

  @Test
  void twoServerProcessesShareTheFleetBothDoWorkAndTheOtherIsStopped() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream log = new ByteArrayOutputStream();

    List<FleetResult> results =
        FleetBenchmark.run(
            modes(2, false),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(log, true, StandardCharsets.UTF_8));

    FleetResult r = results.get(0);
    assertThat(r.timings().neverChecked()).isZero();
    assertThat(r.punctuality().withoutCheckInWindow()).isZero();
    assertThat(r.probes().failed()).isZero();
    List<FleetResult.ProcessWork> processes = r.servers().processes();
    assertThat(processes)
        .extracting(FleetResult.ProcessWork::role)
        .containsExactly("main", "worker-1");
    assertThat(processes).allSatisfy(p -> assertThat(p.checks()).isPositive());
    assertThat(processes).allSatisfy(p -> assertThat(p.steps()).isPositive());
    // every check is written by a statement that takes one or more of them
    assertThat(processes).allSatisfy(p -> assertThat(p.writeGroups()).isPositive());
    assertThat(processes).allSatisfy(p -> assertThat(p.checksPerWrite()).isBetween(1.0, 64.0));
    // together all of it: the counts and the rows differ only by checks in flight at the edges
    assertThat(r.servers().checks())
        .isBetween(r.throughput().checks() - 40, r.throughput().checks() + 40);
    long other = processes.get(1).pid();
    assertThat(other).isNotEqualTo(ProcessHandle.current().pid());
    assertThat(ProcessHandle.of(other).filter(ProcessHandle::isAlive)).isEmpty();
    JsonNode json = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8).strip());
    assertThat(json.get("servers").asInt()).isEqualTo(2);
    assertThat(json.get("processes")).hasSize(2);
    assertThat(json.get("processes").get(1).get("check_share_pct").asDouble()).isPositive();
    assertThat(log.toString(StandardCharsets.UTF_8))
        .contains("per process: checks (share) / steps / checks per write");
    assertThat(socketDirectoriesOfThisJvm()).isEmpty();
  }

  @Test
  void aSmallFleetIsCheckedFoundHealthyAndEverythingItStartedIsStopped() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream log = new ByteArrayOutputStream();

    List<FleetResult> results =
        FleetBenchmark.run(
            settings(TargetsVia.DIRECT, false, 0, null),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(log, true, StandardCharsets.UTF_8));

    FleetResult r = results.get(0);
    assertThat(r.timings().neverChecked()).isZero();
    assertThat(r.throughput().checks()).isPositive();
    assertThat(r.probes().failed()).isZero();
    assertThat(r.doctor().diagnoses()).containsEntry("healthy", 12);
    // the default warm-up: at least one interval (10 s at least), then until settled for another
    // interval, and says how it ended (whether this small fleet settles on a loaded machine is
    // SettlingTest's to pin, not this test's)
    assertThat(r.timings().warmupSeconds()).isGreaterThanOrEqualTo(10);
    assertThat(log.toString(StandardCharsets.UTF_8))
        .contains("bench-fleet: settling at least 10s")
        .containsAnyOf("bench-fleet: settled after ", "bench-fleet: not settled after ");
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("| instances ", "| doctor's diagnoses ", "healthy 12", "2 / direct");
    assertThat(socketDirectoriesOfThisJvm()).isEmpty();
  }

  @Test
  void throughPgBouncerWithNicedTargetsProbesSucceedTheJsonSaysSoAndThePoolersAreStopped()
      throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream log = new ByteArrayOutputStream();

    List<FleetResult> results =
        FleetBenchmark.run(
            settings(TargetsVia.PGBOUNCER, true, TargetsNice.MAX, Duration.ofSeconds(1)),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(log, true, StandardCharsets.UTF_8));

    FleetResult r = results.get(0);
    assertThat(r.timings().neverChecked()).isZero();
    assertThat(r.throughput().checks()).isPositive();
    assertThat(r.probes().failed()).isZero();
    assertThat(r.doctor().diagnoses()).containsEntry("healthy", 12);
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).hasSize(1);
    JsonNode json = new ObjectMapper().readTree(lines.get(0));
    assertThat(json.get("targets_via").asText()).isEqualTo("pgbouncer");
    assertThat(json.get("targets_nice").asInt()).isEqualTo(19);
    assertThat(json.get("instances").asInt()).isEqualTo(12);
    assertThat(json.get("checks").asLong()).isEqualTo(r.throughput().checks());
    assertThat(log.toString(StandardCharsets.UTF_8))
        .contains("| doctor's diagnoses ", "processes at niceness 19", "2 / pgbouncer, nice 19");
    assertThat(processesRunningOn(dir.resolve("fleet").resolve("poolers"))).isEmpty();
    assertThat(socketDirectoriesOfThisJvm()).isEmpty();
  }

  private static List<Path> socketDirectoriesOfThisJvm() throws Exception {
    String prefix = "toygres-bench-" + ProcessHandle.current().pid() + "-";
    try (Stream<Path> tmp = Files.list(Path.of("/tmp"))) {
      return tmp.filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
    }
  }

  /** Processes whose command line names a file under {@code dir} (the poolers' configuration). */
  private static List<Long> processesRunningOn(Path dir) {
    String d = dir.toAbsolutePath().toString();
    return ProcessHandle.allProcesses()
        .filter(p -> cmdline(p.pid()).contains(d))
        .map(ProcessHandle::pid)
        .toList();
  }

  private static String cmdline(long pid) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"));
    } catch (IOException | RuntimeException gone) {
      return "";
    }
  }
}
