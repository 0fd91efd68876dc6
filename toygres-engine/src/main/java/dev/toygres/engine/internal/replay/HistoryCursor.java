package dev.toygres.engine.internal.replay;

import dev.toygres.engine.history.HistoryEvent;
import dev.toygres.engine.history.HistoryEvent.ActivityCompleted;
import dev.toygres.engine.history.HistoryEvent.ActivityFailed;
import dev.toygres.engine.history.HistoryEvent.Completion;
import dev.toygres.engine.history.HistoryEvent.ContinuedAsNew;
import dev.toygres.engine.history.HistoryEvent.DetachedStartCompleted;
import dev.toygres.engine.history.HistoryEvent.EventRaised;
import dev.toygres.engine.history.HistoryEvent.ExecutionCancelled;
import dev.toygres.engine.history.HistoryEvent.ExecutionCompleted;
import dev.toygres.engine.history.HistoryEvent.ExecutionFailed;
import dev.toygres.engine.history.HistoryEvent.ExecutionStarted;
import dev.toygres.engine.history.HistoryEvent.LocalActivityRecorded;
import dev.toygres.engine.history.HistoryEvent.OrchestratorStarted;
import dev.toygres.engine.history.HistoryEvent.Scheduling;
import dev.toygres.engine.history.HistoryEvent.SubOrchestrationCompleted;
import dev.toygres.engine.history.HistoryEvent.SubOrchestrationFailed;
import dev.toygres.engine.history.HistoryEvent.TimerFired;
import dev.toygres.engine.internal.UnhandledEvent;
import dev.toygres.engine.internal.signal.OrchestratorBlocked;
import dev.toygres.engine.orchestration.ActivityOptions;
import dev.toygres.engine.orchestration.NonDeterminismException;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Walks the history (past events, then this step's new ones) on demand: only when the code awaits
 * something not yet known. Scheduling events are matched against what the code scheduled;
 * completions complete the tasks they name.
 */
final class HistoryCursor {
  private final String instanceId;
  private final int executionId;
  private final List<HistoryEvent> events;
  private final int pastCount;
  private final EventInbox inbox = new EventInbox();
  private final Map<Integer, Scheduling> pending = new LinkedHashMap<>();
  private final Map<Integer, CompletionTask<?>> open = new HashMap<>();
  private final Map<Integer, LocalCall> localCalls = new LinkedHashMap<>();
  private LocalActivityRunner localRunner = LocalActivityRunner.NONE;
  private int position;
  private Instant now = Instant.EPOCH;

  /** A local activity the code called that no history event has answered yet. */
  private record LocalCall(int taskId, String name, String input, ActivityOptions options) {}

  /**
   * @param events past events, then this step's new ones; local activities run in this step are
   *     appended to it, so it must be mutable
   */
  HistoryCursor(String instanceId, int executionId, List<HistoryEvent> events, int pastCount) {
    this.instanceId = instanceId;
    this.executionId = executionId;
    this.events = events;
    this.pastCount = pastCount;
  }

  EventInbox inbox() {
    return inbox;
  }

  Instant now() {
    return now;
  }

  boolean isReplaying() {
    return position < pastCount;
  }

  /** Records work the code scheduled; it is new unless a history event matches it later. */
  void scheduled(Scheduling event, CompletionTask<?> task) {
    pending.put(event.taskId(), event);
    if (task != null) {
      open.put(event.taskId(), task);
    }
  }

  void runLocalActivitiesWith(LocalActivityRunner runner) {
    this.localRunner = runner;
  }

  /**
   * Records a local activity call. History may answer it further on; if it does not, the call runs
   * when the cursor has no more events (see {@link #runNextLocalCall}).
   */
  void scheduledLocal(
      int taskId, String name, String input, ActivityOptions options, CompletionTask<?> task) {
    scheduled(new LocalActivityRecorded(taskId, name, null, null, 0), task);
    localCalls.put(taskId, new LocalCall(taskId, name, input, options));
  }

  /** Scheduling events the history did not match: the new work of this step, in call order. */
  List<Scheduling> unmatched() {
    return List.copyOf(pending.values());
  }

  /** Processes events until {@code task} is done; ends the step if history runs out first. */
  void awaitDone(TaskImpl<?> task) {
    while (!task.isDone()) {
      if (!processNext() && !runNextLocalCall()) {
        throw OrchestratorBlocked.INSTANCE;
      }
    }
  }

  /** Processes events up to and including the first step marker, so the clock is set. */
  void processFirstStep() {
    while (position < events.size()) {
      HistoryEvent e = events.get(position);
      processNext();
      if (e instanceof OrchestratorStarted) {
        return;
      }
    }
  }

  /** Processes every remaining event, running the local activities no event answered. */
  void drain() {
    while (processNext() || runNextLocalCall()) {
      // keep going
    }
  }

  /**
   * With history exhausted, runs the oldest local activity call history has not answered and
   * appends its outcome as this step's next event; false when there is none or the runner does not
   * run activities (the call stays new work then).
   */
  private boolean runNextLocalCall() {
    if (localCalls.isEmpty() || position < events.size()) {
      return false;
    }
    LocalCall call = localCalls.values().iterator().next();
    LocalActivityRecorded outcome =
        localRunner.run(call.taskId(), call.name(), call.input(), call.options());
    if (outcome == null) {
      return false;
    }
    if (outcome.taskId() != call.taskId() || !outcome.name().equals(call.name())) {
      throw new IllegalStateException(
          "local activity runner answered " + outcome + " for task " + call.taskId());
    }
    events.add(outcome);
    return true;
  }

  boolean processNext() {
    if (position >= events.size()) {
      return false;
    }
    HistoryEvent e = events.get(position++);
    if (e instanceof OrchestratorStarted s) {
      now = s.time().isAfter(now) ? s.time() : now;
    } else if (e instanceof Scheduling s) {
      match(s);
    } else if (e instanceof Completion c) {
      complete(c);
    } else if (e instanceof EventRaised r) {
      inbox.deliver(r);
    } else if (e instanceof ExecutionStarted
        || e instanceof ExecutionCompleted
        || e instanceof ExecutionFailed
        || e instanceof ContinuedAsNew
        || e instanceof ExecutionCancelled) {
      // The bounds of the execution: its input is read before the code runs, and how it ends is
      // what the code decides, never something it awaits.
    } else {
      throw UnhandledEvent.in("HistoryCursor.processNext", e);
    }
    return true;
  }

  private void match(Scheduling inHistory) {
    Scheduling byCode = pending.remove(inHistory.taskId());
    if (byCode == null) {
      throw nondeterminism(inHistory, "did not schedule it");
    }
    if (byCode.getClass() != inHistory.getClass()
        || !byCode.describe().equals(inHistory.describe())) {
      throw nondeterminism(inHistory, "scheduled " + byCode.describe());
    }
    if (inHistory instanceof LocalActivityRecorded recorded) {
      localCalls.remove(recorded.taskId());
      CompletionTask<?> task = open.remove(recorded.taskId());
      if (task != null) {
        if (recorded.failure() != null) {
          task.failWith(recorded.failure());
        } else {
          task.completeJson(recorded.result());
        }
      }
    }
  }

  private NonDeterminismException nondeterminism(Scheduling inHistory, String codeDid) {
    return new NonDeterminismException(
        instanceId,
        executionId,
        position - 1,
        inHistory.describe() + " as task " + inHistory.taskId(),
        codeDid);
  }

  private void complete(Completion c) {
    CompletionTask<?> task = open.remove(c.taskId());
    if (task == null) {
      return; // a late outcome nobody waits for any more
    }
    if (c instanceof ActivityCompleted a) {
      task.completeJson(a.result());
    } else if (c instanceof ActivityFailed f) {
      task.failWith(f.failure());
    } else if (c instanceof TimerFired) {
      task.completeJson(null);
    } else if (c instanceof SubOrchestrationCompleted s) {
      task.completeJson(s.result());
    } else if (c instanceof SubOrchestrationFailed f) {
      task.failWith(f.failure());
    } else if (c instanceof DetachedStartCompleted d) {
      if (d.failure() == null) {
        task.completeJson(null);
      } else {
        task.failWith(d.failure());
      }
    } else {
      throw UnhandledEvent.in("HistoryCursor.complete", c);
    }
  }
}
