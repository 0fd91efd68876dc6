package dev.toygres.engine.worker.internal;

import dev.toygres.engine.history.HistoryEvent;
import dev.toygres.engine.history.HistoryEvent.SubOrchestrationCompleted;
import dev.toygres.engine.history.HistoryEvent.SubOrchestrationFailed;
import dev.toygres.engine.history.HistoryEvent.SubOrchestrationScheduled;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The sub-orchestrations an execution started and has not seen end: they are cancelled with it. */
final class OpenChildren {
  private OpenChildren() {}

  static List<String> of(List<HistoryEvent> history) {
    Map<Integer, String> open = new LinkedHashMap<>();
    for (HistoryEvent e : history) {
      if (e instanceof SubOrchestrationScheduled s) {
        open.put(s.taskId(), s.instanceId());
      } else if (e instanceof SubOrchestrationCompleted c) {
        open.remove(c.taskId());
      } else if (e instanceof SubOrchestrationFailed f) {
        open.remove(f.taskId());
      }
    }
    return List.copyOf(open.values());
  }
}
