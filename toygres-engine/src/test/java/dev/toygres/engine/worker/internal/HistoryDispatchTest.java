package dev.toygres.engine.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.toygres.engine.history.HistoryEvent;
import dev.toygres.engine.history.HistoryEvent.Scheduling;
import dev.toygres.engine.history.HistoryEvent.SubOrchestrationCompleted;
import dev.toygres.engine.history.HistoryEvent.SubOrchestrationScheduled;
import dev.toygres.engine.history.HistoryEventSamples;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The worker's dispatches over history events have a case for every kind. */
class HistoryDispatchTest {

  @Test
  void everySchedulingKindSendsExactlyOneThingOut() {
    for (Scheduling s : HistoryEventSamples.of(Scheduling.class)) {
      Outbox out = Outbox.of("i", 1, List.of(s));

      assertThat(out.activities.size() + out.messages.size() + out.instances.size())
          .as(s.kind())
          .isEqualTo(1);
    }
  }

  @Test
  void everyHistoryEventKindIsConsideredWhenFindingOpenChildren() {
    for (HistoryEvent e : HistoryEventSamples.all()) {
      assertThatCode(() -> OpenChildren.of(List.of(e))).as(e.kind()).doesNotThrowAnyException();
    }
  }

  @Test
  void aChildIsOpenFromItsSchedulingUntilItsOutcome() {
    SubOrchestrationScheduled child = new SubOrchestrationScheduled(3, "c", "1", "kid", "null");

    assertThat(OpenChildren.of(List.of(child))).containsExactly("kid");
    assertThat(OpenChildren.of(List.of(child, new SubOrchestrationCompleted(3, "null")))).isEmpty();
  }
}
