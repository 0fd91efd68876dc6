package dev.toygres.engine.worker.internal;

import dev.toygres.engine.FailureDetails;
import dev.toygres.engine.history.HistoryEvent;
import dev.toygres.engine.history.HistoryEvent.ExecutionCancelled;
import dev.toygres.engine.history.HistoryEvent.ExecutionFailed;
import dev.toygres.engine.history.HistoryEvent.ExecutionStarted;
import dev.toygres.engine.history.HistoryEvent.OrchestratorStarted;
import dev.toygres.engine.history.HistoryEvent.ParentRef;
import dev.toygres.engine.history.HistoryEvent.SubOrchestrationCompleted;
import dev.toygres.engine.history.HistoryEvent.SubOrchestrationFailed;
import dev.toygres.engine.internal.replay.LocalActivityRunner;
import dev.toygres.engine.internal.replay.OrchestrationExecutor;
import dev.toygres.engine.internal.replay.StepDecision;
import dev.toygres.engine.store.internal.OrchestrationWorkItem;
import dev.toygres.engine.store.internal.OutboundMessage;
import dev.toygres.engine.store.internal.QueueMessage;
import dev.toygres.engine.store.internal.StepCommit;
import dev.toygres.engine.worker.Registry;
import dev.toygres.engine.worker.Registry.OrchestrationEntry;
import java.util.ArrayList;
import java.util.List;

/** Turns a leased work item into the step to commit: replay, then the outbox. */
public final class StepProcessor {
  private final Registry registry;
  private final int maxDispatchCount;
  private final WorkerMetrics metrics;
  private final LocalActivities local;

  /** A processor that runs no local activities (a step that calls one fails to commit). */
  public StepProcessor(Registry registry, int maxDispatchCount) {
    this(registry, maxDispatchCount, WorkerMetrics.NONE, null);
  }

  /**
   * As above, counting poisoned steps in {@code metrics}, and running the local activities steps
   * call with {@code local} (null: none).
   */
  public StepProcessor(
      Registry registry, int maxDispatchCount, WorkerMetrics metrics, LocalActivities local) {
    this.registry = registry;
    this.maxDispatchCount = maxDispatchCount;
    this.metrics = metrics;
    this.local = local;
  }

  /** The step to commit, or null when the item only held messages for an ended instance. */
  public StepCommit process(OrchestrationWorkItem item) {
    if (item.status().isTerminal() || item.history().isEmpty()) {
      return null;
    }
    List<Long> consumed = new ArrayList<>();
    List<HistoryEvent> fresh = new ArrayList<>();
    fresh.add(new OrchestratorStarted(item.now()));
    String cancelReason = null;
    for (QueueMessage m : item.messages()) {
      consumed.add(m.id());
      switch (m.kind()) {
        case WAKE -> {}
        case CANCEL ->
            cancelReason = cancelReason != null ? cancelReason : String.valueOf(m.reason());
        case EVENT -> {
          if (m.executionId() == null || m.executionId() == item.executionId()) {
            fresh.add(m.event());
          }
        }
      }
    }
    ExecutionStarted start = (ExecutionStarted) item.history().get(0);
    StepCommit.Builder commit = StepCommit.after(item).consuming(consumed);
    if (cancelReason != null) {
      return cancelled(item, start, fresh, cancelReason, commit);
    }
    if (item.dispatchCount() > maxDispatchCount) {
      return poisoned(item, start, fresh, commit);
    }
    String version =
        item.version() != null ? item.version() : registry.latestVersion(item.name()).orElse(null);
    OrchestrationEntry entry =
        version == null ? null : registry.orchestration(item.name(), version).orElse(null);
    if (entry == null) {
      throw new IllegalStateException(
          "orchestration '"
              + item.name()
              + "' version '"
              + version
              + "' is not registered on this worker (registered versions: "
              + registry.versionsOf(item.name())
              + "), which instance '"
              + item.instanceId()
              + "' execution "
              + item.executionId()
              + " needs");
    }
    List<HistoryEvent> past = item.history();
    if (start.version() == null) {
      // Started without a version: the code must still see the one resolved for it (ctx.version()).
      past = new ArrayList<>(past);
      past.set(0, new ExecutionStarted(start.name(), version, start.input(), start.parent()));
    }
    StepDecision d =
        OrchestrationExecutor.execute(
            item.instanceId(),
            item.executionId(),
            entry.code(),
            entry.inputType(),
            past,
            fresh,
            local == null ? LocalActivityRunner.NONE : local.forStep(item, item.executionId()));
    return decided(item, start, version, d, commit.version(version));
  }

  private StepCommit decided(
      OrchestrationWorkItem item,
      ExecutionStarted start,
      String version,
      StepDecision d,
      StepCommit.Builder c) {
    Outbox out = Outbox.of(item.instanceId(), item.executionId(), d.newWork());
    ParentRef parent = start.parent();
    if (parent != null) {
      switch (d.outcome()) {
        case COMPLETED ->
            out.messages.add(
                toParent(parent, new SubOrchestrationCompleted(parent.taskId(), d.output())));
        case FAILED ->
            out.messages.add(
                toParent(parent, new SubOrchestrationFailed(parent.taskId(), d.failure())));
        case RUNNING, CONTINUED_AS_NEW -> {}
      }
    }
    c.appending(d.appended())
        .activities(out.activities)
        .activityTimeouts(d.activityTimeouts())
        .messages(out.messages)
        .newInstances(out.instances);
    if (d.customStatusSet()) {
      c.customStatus(d.customStatus());
    }
    return switch (d.outcome()) {
      case RUNNING -> c.keepsRunning();
      case COMPLETED -> c.completes(d.output());
      case FAILED -> c.fails(d.failure());
      case CONTINUED_AS_NEW ->
          c.continuesAsNew(withFirstStep(item, nextExecution(item, start, version, d), c));
    };
  }

  /**
   * The next execution with its first step run now, to commit in this step: one step, one commit
   * and one wake-up message fewer per continue-as-new (an actor's every iteration). Its first step
   * sees what a step of its own would: the initial history (carried-over events included) and this
   * step's clock; messages that arrive meanwhile wait in the queue for its next step. The custom
   * status it sets is the instance's, as after a step of its own. Left to a step of its own
   * (returned as it is) when that first step would end the execution (complete, fail, continue as
   * new again) or could not run; a local activity it ran then runs again there.
   */
  private StepCommit.NextExecution withFirstStep(
      OrchestrationWorkItem item, StepCommit.NextExecution next, StepCommit.Builder c) {
    OrchestrationEntry entry = registry.orchestration(next.name(), next.version()).orElse(null);
    if (entry == null) {
      return next;
    }
    StepDecision first;
    try {
      first =
          OrchestrationExecutor.execute(
              item.instanceId(),
              next.executionId(),
              entry.code(),
              entry.inputType(),
              next.initialHistory(),
              List.of(new OrchestratorStarted(item.now())),
              local == null ? LocalActivityRunner.NONE : local.forStep(item, next.executionId()));
    } catch (RuntimeException e) {
      // Its own step will meet the same failure, and count it against the new execution only.
      return next;
    }
    if (first.outcome() != StepDecision.Outcome.RUNNING) {
      return next;
    }
    if (first.customStatusSet()) {
      c.customStatus(first.customStatus());
    }
    Outbox out = Outbox.of(item.instanceId(), next.executionId(), first.newWork());
    return next.withFirstStep(
        new StepCommit.FirstStep(
            first.appended(),
            out.activities,
            first.activityTimeouts(),
            out.messages,
            out.instances));
  }

  private StepCommit.NextExecution nextExecution(
      OrchestrationWorkItem item, ExecutionStarted start, String version, StepDecision d) {
    String nextVersion =
        d.continueVersion() != null
            ? d.continueVersion()
            : registry.latestVersion(item.name()).orElse(version);
    List<HistoryEvent> initial = new ArrayList<>();
    initial.add(new ExecutionStarted(item.name(), nextVersion, d.continueInput(), start.parent()));
    initial.addAll(d.carryOver());
    return new StepCommit.NextExecution(
        item.executionId() + 1,
        item.name(),
        nextVersion,
        d.continueInput(),
        initial,
        null,
        d.continueInPlace());
  }

  private StepCommit poisoned(
      OrchestrationWorkItem item,
      ExecutionStarted start,
      List<HistoryEvent> fresh,
      StepCommit.Builder c) {
    FailureDetails poison =
        FailureDetails.of(
            "PoisonedWorkItem",
            "orchestration step of '"
                + item.instanceId()
                + "' (execution "
                + item.executionId()
                + ") was dispatched "
                + item.dispatchCount()
                + " times without committing (limit "
                + maxDispatchCount
                + "); last error: "
                + item.lastError());
    metrics.poisoned();
    List<OutboundMessage> messages = new ArrayList<>();
    failParent(start, poison, messages);
    return c.version(item.version())
        .appending(List.of(fresh.get(0), new ExecutionFailed(poison)))
        .messages(messages)
        .fails(poison);
  }

  private StepCommit cancelled(
      OrchestrationWorkItem item,
      ExecutionStarted start,
      List<HistoryEvent> fresh,
      String reason,
      StepCommit.Builder c) {
    FailureDetails failure = FailureDetails.of("OrchestrationCancelled", reason);
    List<OutboundMessage> messages = new ArrayList<>();
    failParent(start, failure, messages);
    // Outcomes that arrived with the cancel count too: a child that could not start because its id
    // was taken must not be cancelled, since that id belongs to another instance.
    List<HistoryEvent> known = new ArrayList<>(item.history());
    known.addAll(fresh);
    for (String child : OpenChildren.of(known)) {
      messages.add(
          new OutboundMessage(
              child,
              QueueMessage.cancel("parent '" + item.instanceId() + "' was cancelled: " + reason),
              null));
    }
    return c.version(item.version())
        .appending(List.of(new OrchestratorStarted(item.now()), new ExecutionCancelled(reason)))
        .messages(messages)
        .cancelled(failure);
  }

  private static void failParent(
      ExecutionStarted start, FailureDetails failure, List<OutboundMessage> out) {
    ParentRef p = start.parent();
    if (p != null) {
      out.add(toParent(p, new SubOrchestrationFailed(p.taskId(), failure)));
    }
  }

  private static OutboundMessage toParent(ParentRef p, HistoryEvent outcome) {
    return new OutboundMessage(p.instanceId(), QueueMessage.event(p.executionId(), outcome), null);
  }
}
