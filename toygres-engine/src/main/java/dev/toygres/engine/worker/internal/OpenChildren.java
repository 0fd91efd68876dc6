package dev.toygres.engine.worker.internal;

import dev.toygres.engine.history.HistoryEvent;
import dev.toygres.engine.history.HistoryEvent.ActivityCompleted;
import dev.toygres.engine.history.HistoryEvent.ActivityFailed;
import dev.toygres.engine.history.HistoryEvent.ActivityScheduled;
import dev.toygres.engine.history.HistoryEvent.ContinuedAsNew;
import dev.toygres.engine.history.HistoryEvent.DetachedStartCompleted;
import dev.toygres.engine.history.HistoryEvent.DetachedStartScheduled;
import dev.toygres.engine.history.HistoryEvent.EventRaised;
import dev.toygres.engine.history.HistoryEvent.ExecutionCancelled;
import dev.toygres.engine.history.HistoryEvent.ExecutionCompleted;
import dev.toygres.engine.history.HistoryEvent.ExecutionFailed;
import dev.toygres.engine.history.HistoryEvent.ExecutionStarted;
import dev.toygres.engine.history.HistoryEvent.LocalActivityRecorded;
import dev.toygres.engine.history.HistoryEvent.OrchestratorStarted;
import dev.toygres.engine.history.HistoryEvent.SubOrchestrationCompleted;
import dev.toygres.engine.history.HistoryEvent.SubOrchestrationFailed;
import dev.toygres.engine.history.HistoryEvent.SubOrchestrationScheduled;
import dev.toygres.engine.history.HistoryEvent.TimerCreated;
import dev.toygres.engine.history.HistoryEvent.TimerFired;
import dev.toygres.engine.internal.UnhandledEvent;
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
      } else if (e instanceof ExecutionStarted
          || e instanceof OrchestratorStarted
          || e instanceof ActivityScheduled
          || e instanceof ActivityCompleted
          || e instanceof ActivityFailed
          || e instanceof TimerCreated
          || e instanceof TimerFired
          || e instanceof DetachedStartScheduled
          || e instanceof DetachedStartCompleted
          || e instanceof LocalActivityRecorded
          || e instanceof EventRaised
          || e instanceof ExecutionCompleted
          || e instanceof ExecutionFailed
          || e instanceof ContinuedAsNew
          || e instanceof ExecutionCancelled) {
        // Neither starts nor ends a child. A detached start is not a child: it outlives this one.
      } else {
        throw UnhandledEvent.in("OpenChildren.of", e);
      }
    }
    return List.copyOf(open.values());
  }
}
