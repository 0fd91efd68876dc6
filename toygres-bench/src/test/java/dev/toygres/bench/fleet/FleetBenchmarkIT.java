package dev.toygres.bench.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
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
 * everything stopped), never the figures.
 */
class FleetBenchmarkIT {
  @TempDir Path dir;

  @Test
  void aSmallFleetIsCheckedFoundHealthyAndEverythingItStartedIsStopped() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    FleetSettings s =
        new FleetSettings(
            List.of(12),
            List.of(Duration.ofSeconds(2)),
            List.of(8),
            Duration.ofSeconds(3),
            Duration.ofSeconds(1),
            2,
            TargetsVia.DIRECT,
            10,
            1,
            Duration.ofSeconds(5),
            1,
            dir.resolve("fleet"),
            false);

    List<FleetResult> results =
        FleetBenchmark.run(
            s,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(log, true, StandardCharsets.UTF_8));

    FleetResult r = results.get(0);
    assertThat(r.timings().neverChecked()).isZero();
    assertThat(r.throughput().checks()).isPositive();
    assertThat(r.probes().failed()).isZero();
    assertThat(r.doctor().diagnoses()).containsEntry("healthy", 12);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("| instances ", "| doctor's diagnoses ", "healthy 12");
    assertThat(socketDirectoriesOfThisJvm()).isEmpty();
  }

  private static List<Path> socketDirectoriesOfThisJvm() throws Exception {
    String prefix = "toygres-bench-" + ProcessHandle.current().pid() + "-";
    try (Stream<Path> tmp = Files.list(Path.of("/tmp"))) {
      return tmp.filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
    }
  }
}
