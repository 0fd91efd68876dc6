package dev.toygres.bench.fanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class FanOutResultTest {
  @Test
  void printsTheLineOfEarlierRunsSoThatFiguresStayComparable() {
    // as printed by the benchmark before it moved out of the engine
    FanOutResult r = new FanOutResult(2, 100, 2000, 5.55, 360.4, 1801.8, 3042, 3537, 3569);

    assertThat(r.line())
        .isEqualTo(
            "dispatchers  2 |  360.4 orchestrations/s |  1801.8 activities/s | latency p50   3042"
                + " ms  p99   3537 ms  max   3569 ms | 2000 in 5.55 s");
  }

  @Test
  void settingsRefuseNonPositiveCountsAndDispatchers() {
    Path dir = Path.of("unused");
    assertThatThrownBy(() -> new FanOutSettings(0, 5, 10, List.of(2), 100, null, dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--orchestrations");
    assertThatThrownBy(() -> new FanOutSettings(10, 5, 10, List.of(2, 0), 100, null, dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--concurrency");
  }
}
