package dev.toygres.engine.internal.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.toygres.engine.history.HistoryEvent;
import dev.toygres.engine.history.HistoryEvent.Completion;
import dev.toygres.engine.history.HistoryEvent.Scheduling;
import dev.toygres.engine.history.HistoryEvent.TimerCreated;
import dev.toygres.engine.history.HistoryEventSamples;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cursor's dispatches over history events have a case for every kind. */
class HistoryCursorDispatchTest {

  @Test
  void everyHistoryEventKindIsReplayedWithoutFallingThrough() {
    for (HistoryEvent e : HistoryEventSamples.all()) {
      HistoryCursor cursor = new HistoryCursor("i", 1, List.of(e), 1);
      if (e instanceof Scheduling s) {
        cursor.scheduled(s, null); // the code scheduled what history holds
      }
      assertThatCode(cursor::processNext).as(e.kind()).doesNotThrowAnyException();
    }
  }

  @Test
  void everyCompletionKindSettlesTheTaskWaitingForIt() {
    for (Completion c : HistoryEventSamples.of(Completion.class)) {
      HistoryCursor cursor = new HistoryCursor("i", 1, List.of(c), 1);
      CompletionTask<String> task = new CompletionTask<>(cursor, "task", c.taskId(), String.class);
      cursor.scheduled(new TimerCreated(c.taskId(), Instant.EPOCH), task);

      assertThatCode(cursor::processNext).as(c.kind()).doesNotThrowAnyException();

      assertThat(task.isDone()).as(c.kind()).isTrue();
    }
  }
}
