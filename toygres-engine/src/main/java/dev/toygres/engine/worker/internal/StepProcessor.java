package dev.toygres.engine.worker.internal;

import dev.toygres.engine.FailureDetails;
import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.history.HistoryEvent;
import dev.toygres.engine.history.HistoryEvent.ExecutionCancelled;
import dev.toygres.engine.history.HistoryEvent.ExecutionFailed;
import dev.toygres.engine.history.HistoryEvent.ExecutionStarted;
import dev.toygres.engine.history.HistoryEvent.OrchestratorStarted;
import dev.toygres.engine.history.HistoryEvent.ParentRef;
import dev.toygres.engine.history.HistoryEvent.SubOrchestrationCompleted;
import dev.toygres.engine.history.HistoryEvent.SubOrchestrationFailed;
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

  public StepProcessor(Registry registry, int maxDispatchCount) {
    this.registry = registry;
    this.maxDispatchCount = maxDispatchCount;
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
    if (cancelReason != null) {
      return cancelled(item, start, consumed, cancelReason, fresh);
    }
    if (item.dispatchCount() > maxDispatchCount) {
      FailureDetails poison =
          FailureDetails.of(
              "PoisonedWorkItem",
              "orchestration step of '"
                  + item.instanceId()
                  + "' was dispatched "
                  + item.dispatchCount()
                  + " times without committing (limit "
                  + maxDispatchCount
                  + "); last error: "
                  + item.lastError());
      return ended(
          item,
          start,
          consumed,
          List.of(fresh.get(0), new ExecutionFailed(poison)),
          OrchestrationStatus.FAILED,
          null,
          poison,
          item.version());
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
              + ")");
    }
    List<HistoryEvent> past = item.history();
    if (start.version() == null) {
      // Started without a version: the code must still see the one resolved for it (ctx.version()).
      past = new ArrayList<>(past);
      past.set(0, new ExecutionStarted(start.name(), version, start.input(), start.parent()));
    }
    StepDecision d =
        OrchestrationExecutor.execute(
            item.instanceId(), item.executionId(), entry.code(), entry.inputType(), past, fresh);
    return commitFor(item, start, version, consumed, d);
  }

  private StepCommit commitFor(
      OrchestrationWorkItem item,
      ExecutionStarted start,
      String version,
      List<Long> consumed,
      StepDecision d) {
    Outbox out = Outbox.of(item.instanceId(), item.executionId(), d.newWork());
    List<OutboundMessage> messages = out.messages;
    OrchestrationStatus status = OrchestrationStatus.RUNNING;
    StepCommit.NextExecution next = null;
    switch (d.outcome()) {
      case COMPLETED -> {
        status = OrchestrationStatus.COMPLETED;
        notifyParent(start, messages, new SubOrchestrationCompletedFactory(d.output()));
      }
      case FAILED -> {
        status = OrchestrationStatus.FAILED;
        notifyParent(start, messages, new SubOrchestrationFailedFactory(d.failure()));
      }
      case CONTINUED_AS_NEW -> {
        String nextVersion =
            d.continueVersion() != null
                ? d.continueVersion()
                : registry.latestVersion(item.name()).orElse(version);
        List<HistoryEvent> initial = new ArrayList<>();
        initial.add(
            new ExecutionStarted(item.name(), nextVersion, d.continueInput(), start.parent()));
        initial.addAll(d.carryOver());
        next =
            new StepCommit.NextExecution(
                item.executionId() + 1, item.name(), nextVersion, d.continueInput(), initial);
      }
      case RUNNING -> {}
    }
    return new StepCommit(
        item.instanceId(),
        item.lockToken(),
        item.executionId(),
        item.history().size(),
        d.appended(),
        consumed,
        status,
        version,
        d.output(),
        d.failure(),
        d.customStatus(),
        d.customStatusSet(),
        next,
        out.activities,
        messages,
        out.instances);
  }

  private StepCommit cancelled(
      OrchestrationWorkItem item,
      ExecutionStarted start,
      List<Long> consumed,
      String reason,
      List<HistoryEvent> fresh) {
    FailureDetails failure = FailureDetails.of("OrchestrationCancelled", reason);
    StepCommit c =
        ended(
            item,
            start,
            consumed,
            List.of(new OrchestratorStarted(item.now()), new ExecutionCancelled(reason)),
            OrchestrationStatus.CANCELLED,
            null,
            failure,
            item.version());
    // Outcomes that arrived with the cancel count too: a child that could not start because its id
    // was taken must not be cancelled, since that id belongs to another instance.
    List<HistoryEvent> known = new ArrayList<>(item.history());
    known.addAll(fresh);
    for (String child : OpenChildren.of(known)) {
      c.messages()
          .add(
              new OutboundMessage(
                  child,
                  QueueMessage.cancel(
                      "parent '" + item.instanceId() + "' was cancelled: " + reason),
                  null));
    }
    return c;
  }

  private StepCommit ended(
      OrchestrationWorkItem item,
      ExecutionStarted start,
      List<Long> consumed,
      List<HistoryEvent> appended,
      OrchestrationStatus status,
      String output,
      FailureDetails failure,
      String version) {
    List<OutboundMessage> messages = new ArrayList<>();
    notifyParent(start, messages, new SubOrchestrationFailedFactory(failure));
    return new StepCommit(
        item.instanceId(),
        item.lockToken(),
        item.executionId(),
        item.history().size(),
        appended,
        consumed,
        status,
        version,
        output,
        failure,
        null,
        false,
        null,
        List.of(),
        messages,
        List.of());
  }

  private static void notifyParent(
      ExecutionStarted start, List<OutboundMessage> out, ParentEvent factory) {
    ParentRef p = start.parent();
    if (p != null) {
      out.add(
          new OutboundMessage(
              p.instanceId(),
              QueueMessage.event(p.executionId(), factory.event(p.taskId())),
              null));
    }
  }

  private interface ParentEvent {
    HistoryEvent event(int taskId);
  }

  private record SubOrchestrationCompletedFactory(String output) implements ParentEvent {
    @Override
    public HistoryEvent event(int taskId) {
      return new SubOrchestrationCompleted(taskId, output);
    }
  }

  private record SubOrchestrationFailedFactory(FailureDetails failure) implements ParentEvent {
    @Override
    public HistoryEvent event(int taskId) {
      return new SubOrchestrationFailed(taskId, failure);
    }
  }
}
