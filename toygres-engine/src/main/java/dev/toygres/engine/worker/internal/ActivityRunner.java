package dev.toygres.engine.worker.internal;

import dev.toygres.engine.FailureDetails;
import dev.toygres.engine.activity.ActivityContext;
import dev.toygres.engine.activity.LeaseFence;
import dev.toygres.engine.activity.LeaseLostException;
import dev.toygres.engine.history.HistoryEvent.ActivityCompleted;
import dev.toygres.engine.history.HistoryEvent.ActivityFailed;
import dev.toygres.engine.history.HistoryEvent.Completion;
import dev.toygres.engine.internal.Json;
import dev.toygres.engine.store.internal.ActivityWorkItem;
import dev.toygres.engine.worker.Registry;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs one activity call and turns what happened into the completion event to record. */
final class ActivityRunner {
  private static final Logger LOG = LoggerFactory.getLogger(ActivityRunner.class);
  private final Registry registry;
  private final int maxDispatchCount;
  private final Function<ActivityWorkItem, LeaseFence> fences;
  private final WorkerMetrics metrics;

  ActivityRunner(
      Registry registry,
      int maxDispatchCount,
      Function<ActivityWorkItem, LeaseFence> fences,
      WorkerMetrics metrics) {
    this.registry = registry;
    this.maxDispatchCount = maxDispatchCount;
    this.fences = fences;
    this.metrics = metrics;
  }

  Completion run(ActivityWorkItem item) {
    if (item.dispatchCount() > maxDispatchCount) {
      metrics.poisoned();
      return new ActivityFailed(
          item.taskId(),
          FailureDetails.of(
              "PoisonedWorkItem",
              "activity '"
                  + item.name()
                  + "' of instance '"
                  + item.instanceId()
                  + "' was dispatched "
                  + item.dispatchCount()
                  + " times without completing (limit "
                  + maxDispatchCount
                  + "): its worker crashed or lost the lease each time"));
    }
    Optional<Registry.ActivityEntry> entry = registry.activity(item.name());
    if (entry.isEmpty()) {
      return new ActivityFailed(
          item.taskId(),
          FailureDetails.of(
              "ActivityNotRegistered",
              "no activity named '" + item.name() + "' is registered on this worker"));
    }
    ActivityContext ctx =
        new ActivityContext(
            item.instanceId(),
            item.executionId(),
            item.taskId(),
            item.name(),
            item.dispatchCount(),
            fences.apply(item));
    try {
      Object input = Json.read(item.input(), entry.get().inputType());
      Object result = entry.get().code().run(ctx, input);
      return new ActivityCompleted(item.taskId(), Json.write(result));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new ActivityFailed(item.taskId(), FailureDetails.of(e));
    } catch (LeaseLostException e) {
      LOG.warn(
          "activity '{}' of instance '{}' stopped by its lease fence: {}",
          item.name(),
          item.instanceId(),
          e.getMessage());
      return new ActivityFailed(item.taskId(), FailureDetails.of(e));
    } catch (Exception | Error e) {
      // An Error thrown by activity code is a failure of the call too; letting it escape would
      // leave the work item leased (and renewed) forever.
      return new ActivityFailed(item.taskId(), FailureDetails.of(e));
    }
  }
}
