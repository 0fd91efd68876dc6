package dev.toygres.bench.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark runs end to end on the embedded PostgreSQL; its figures are not checked. */
class FanOutBenchmarkIT {
  @TempDir Path dir;

  @Test
  void everyDispatcherCountRunsEveryOrchestrationToCompletion() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    List<FanOutResult> results =
        FanOutBenchmark.run(
            new FanOutSettings(20, 3, 1, List.of(1, 2), 10, null, dir),
            new PrintStream(bytes, true, StandardCharsets.UTF_8));

    assertThat(results).extracting(FanOutResult::concurrency).containsExactly(1, 2);
    assertThat(results).allSatisfy(r -> assertThat(r.orchestrations()).isEqualTo(20));
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .startsWith("fan-out benchmark: 20 orchestrations x 3 activities of 1 ms")
        .contains("dispatchers  1 |", "dispatchers  2 |");
  }
}
