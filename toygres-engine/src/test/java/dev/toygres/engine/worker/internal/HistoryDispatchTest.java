package dev.toygres.engine.worker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toygres.engine.history.HistoryEvent;
import dev.toygres.engine.history.HistoryEvent.LocalActivityRecorded;
import dev.toygres.engine.history.HistoryEvent.Scheduling;
import dev.toygres.engine.history.HistoryEvent.SubOrchestrationCompleted;
import dev.toygres.engine.history.HistoryEvent.SubOrchestrationScheduled;
import dev.toygres.engine.history.HistoryEventSamples;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The worker's dispatches over history events have a case for every kind. */
class HistoryDispatchTest {

  @Test
  void everySchedulingKindButALocalActivitySendsExactlyOneThingOut() {
    for (Scheduling s : HistoryEventSamples.of(Scheduling.class)) {
      if (s instanceof LocalActivityRecorded) {
        continue; // run in its step: nothing to send
      }
      Outbox out = Outbox.of("i", 1, List.of(s));

      assertThat(out.activities.size() + out.messages.size() + out.instances.size())
          .as(s.kind())
          .isEqualTo(1);
    }
  }

  @Test
  void aLocalActivityLeftOverAsNewWorkIsRefusedNotSilentlyDropped() {
    LocalActivityRecorded notRun = new LocalActivityRecorded(2, "check", null, null, 0);

    assertThatThrownBy(() -> Outbox.of("i", 1, List.of(notRun)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("local activity 'check' (task 2) of 'i' was not run in its step");
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
