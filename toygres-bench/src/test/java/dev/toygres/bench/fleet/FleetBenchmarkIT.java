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
    return new FleetSettings(
        List.of(12),
        List.of(Duration.ofSeconds(2)),
        List.of(8),
        Duration.ofSeconds(3),
        Duration.ofSeconds(1),
        2,
        via,
        10,
        1,
        Duration.ofSeconds(5),
        1,
        dir.resolve("fleet"),
        json);
  }

  @Test
  void aSmallFleetIsCheckedFoundHealthyAndEverythingItStartedIsStopped() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream log = new ByteArrayOutputStream();

    List<FleetResult> results =
        FleetBenchmark.run(
            settings(TargetsVia.DIRECT, false),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(log, true, StandardCharsets.UTF_8));

    FleetResult r = results.get(0);
    assertThat(r.timings().neverChecked()).isZero();
    assertThat(r.throughput().checks()).isPositive();
    assertThat(r.probes().failed()).isZero();
    assertThat(r.doctor().diagnoses()).containsEntry("healthy", 12);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("| instances ", "| doctor's diagnoses ", "healthy 12", "2 / direct");
    assertThat(socketDirectoriesOfThisJvm()).isEmpty();
  }

  @Test
  void throughPgBouncerProbesSucceedTheJsonSaysSoAndThePoolersAreStopped() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream log = new ByteArrayOutputStream();

    List<FleetResult> results =
        FleetBenchmark.run(
            settings(TargetsVia.PGBOUNCER, true),
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
    assertThat(json.get("instances").asInt()).isEqualTo(12);
    assertThat(json.get("checks").asLong()).isEqualTo(r.throughput().checks());
    assertThat(log.toString(StandardCharsets.UTF_8)).contains("| doctor's diagnoses ");
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
