package dev.toygres.engine.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.toygres.engine.internal.Json;
import org.junit.jupiter.api.Test;

class HistoryEventJsonTest {

  @Test
  void everyHistoryEventKindIsStoredUnderItsKindAndReadBackEqual() throws Exception {
    for (HistoryEvent e : HistoryEventSamples.all()) {
      String json = Json.MAPPER.writerFor(HistoryEvent.class).writeValueAsString(e);
      JsonNode tree = Json.MAPPER.readTree(json);
      assertThat(tree.path("type").asText()).as(json).isEqualTo(e.kind());
      HistoryEvent back = Json.MAPPER.readerFor(HistoryEvent.class).readValue(json);
      assertThat(back).as(json).isEqualTo(e);
    }
  }

  @Test
  void samplesCoverTheWholeSealedHierarchy() {
    assertThat(HistoryEventSamples.all())
        .extracting(HistoryEvent::kind)
        .doesNotHaveDuplicates()
        .contains("ExecutionStarted", "ActivityScheduled", "TimerFired", "ExecutionCancelled")
        .hasSizeGreaterThanOrEqualTo(17);
    assertThat(HistoryEventSamples.of(HistoryEvent.Scheduling.class)).hasSize(5);
    assertThat(HistoryEventSamples.of(HistoryEvent.Completion.class)).hasSize(6);
  }
}
