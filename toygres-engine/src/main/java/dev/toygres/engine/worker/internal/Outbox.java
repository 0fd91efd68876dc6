package dev.toygres.engine.worker.internal;

import dev.toygres.engine.history.HistoryEvent.ActivityScheduled;
import dev.toygres.engine.history.HistoryEvent.DetachedStartScheduled;
import dev.toygres.engine.history.HistoryEvent.LocalActivityRecorded;
import dev.toygres.engine.history.HistoryEvent.ParentRef;
import dev.toygres.engine.history.HistoryEvent.Scheduling;
import dev.toygres.engine.history.HistoryEvent.SubOrchestrationScheduled;
import dev.toygres.engine.history.HistoryEvent.TimerCreated;
import dev.toygres.engine.history.HistoryEvent.TimerFired;
import dev.toygres.engine.internal.UnhandledEvent;
import dev.toygres.engine.store.internal.NewInstance;
import dev.toygres.engine.store.internal.OutboundMessage;
import dev.toygres.engine.store.internal.QueueMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * What a step's new work sends out when it commits: activities to run, messages (a timer is a
 * message to the instance itself, visible when it fires) and instances to create.
 */
final class Outbox {
  final List<ActivityScheduled> activities = new ArrayList<>();
  final List<OutboundMessage> messages = new ArrayList<>();
  final List<NewInstance> instances = new ArrayList<>();

  private Outbox() {}

  static Outbox of(String instanceId, int executionId, List<Scheduling> newWork) {
    Outbox out = new Outbox();
    for (Scheduling s : newWork) {
      out.add(instanceId, executionId, s);
    }
    return out;
  }

  private void add(String instanceId, int executionId, Scheduling s) {
    if (s instanceof ActivityScheduled a) {
      activities.add(a);
    } else if (s instanceof TimerCreated t) {
      messages.add(
          new OutboundMessage(
              instanceId,
              QueueMessage.event(executionId, new TimerFired(t.taskId(), t.fireAt())),
              t.fireAt()));
    } else if (s instanceof SubOrchestrationScheduled so) {
      ParentRef self = new ParentRef(instanceId, executionId, so.taskId());
      instances.add(
          new NewInstance(so.instanceId(), so.name(), so.version(), so.input(), self, self));
    } else if (s instanceof DetachedStartScheduled ds) {
      ParentRef by = new ParentRef(instanceId, executionId, ds.taskId());
      instances.add(
          new NewInstance(ds.instanceId(), ds.name(), ds.version(), ds.input(), null, by));
    } else if (s instanceof LocalActivityRecorded l) {
      // The worker runs a local activity in its step; one left over means none ran it.
      throw new IllegalStateException(
          "local activity '"
              + l.name()
              + "' (task "
              + l.taskId()
              + ") of '"
              + instanceId
              + "' was not run in its step: this step processor runs no local activities");
    } else {
      throw UnhandledEvent.in("Outbox.add", s);
    }
  }
}
