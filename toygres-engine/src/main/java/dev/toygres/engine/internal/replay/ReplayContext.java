package dev.toygres.engine.internal.replay;

import dev.toygres.engine.history.HistoryEvent.ActivityScheduled;
import dev.toygres.engine.history.HistoryEvent.DetachedStartScheduled;
import dev.toygres.engine.history.HistoryEvent.Scheduling;
import dev.toygres.engine.history.HistoryEvent.SubOrchestrationScheduled;
import dev.toygres.engine.history.HistoryEvent.TimerCreated;
import dev.toygres.engine.internal.Json;
import dev.toygres.engine.internal.signal.ContinueAsNewSignal;
import dev.toygres.engine.orchestration.ActivityOptions;
import dev.toygres.engine.orchestration.OrchestrationContext;
import dev.toygres.engine.orchestration.Task;
import dev.toygres.engine.orchestration.TaskTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The context handed to orchestration code for one step. */
final class ReplayContext implements OrchestrationContext {
  private final String instanceId;
  private final int executionId;
  private final String name;
  private final String version;
  private final HistoryCursor cursor;
  private final Logger logger;
  private int nextTaskId;
  private final Map<Integer, Duration> activityTimeouts = new HashMap<>();
  private int uuidCounter;
  private boolean sealed;
  private String customStatus;
  private boolean customStatusSet;

  ReplayContext(
      String instanceId, int executionId, String name, String version, HistoryCursor cursor) {
    this.instanceId = instanceId;
    this.executionId = executionId;
    this.name = name;
    this.version = version;
    this.cursor = cursor;
    this.logger =
        new ReplaySafeLogger(LoggerFactory.getLogger("orchestration." + name), cursor::isReplaying);
  }

  /** After the code has finished, late listeners may not schedule anything new. */
  void seal() {
    sealed = true;
  }

  String customStatus() {
    return customStatus;
  }

  boolean customStatusSet() {
    return customStatusSet;
  }

  @Override
  public String instanceId() {
    return instanceId;
  }

  @Override
  public int executionId() {
    return executionId;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String version() {
    return version;
  }

  @Override
  public boolean isReplaying() {
    return cursor.isReplaying();
  }

  @Override
  public Instant currentTime() {
    return cursor.now();
  }

  @Override
  public UUID newUuid() {
    String seed = instanceId + "/" + executionId + "/" + uuidCounter++;
    return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8));
  }

  private <T> CompletionTask<T> schedule(Scheduling event, String description, Class<T> type) {
    CompletionTask<T> task = new CompletionTask<>(cursor, description, event.taskId(), type);
    if (!sealed) {
      cursor.scheduled(event, task);
    }
    return task;
  }

  CompletionTask<Void> timerTask(Instant fireAt) {
    int id = nextTaskId++;
    return schedule(new TimerCreated(id, fireAt), "timer", Void.class);
  }

  @Override
  public <T> Task<T> callActivity(
      String activity, Object input, Class<T> resultType, ActivityOptions options) {
    Objects.requireNonNull(activity, "activity name");
    Objects.requireNonNull(options, "options");
    String json = Json.write(input);
    String description = "activity '" + activity + "'";
    if (options.retry().maxAttempts() == 1 && options.attemptTimeout() == null) {
      return schedule(new ActivityScheduled(nextTaskId++, activity, json), description, resultType);
    }
    return new RetryingTask<>(
        this,
        cursor,
        description,
        () -> {
          int id = nextTaskId++;
          if (options.attemptTimeout() != null) {
            activityTimeouts.put(id, options.attemptTimeout());
          }
          return schedule(new ActivityScheduled(id, activity, json), description, resultType);
        },
        options.retry(),
        options.attemptTimeout());
  }

  @Override
  public <T> Task<T> callLocalActivity(
      String activity, Object input, Class<T> resultType, ActivityOptions options) {
    Objects.requireNonNull(activity, "activity name");
    Objects.requireNonNull(options, "options");
    int id = nextTaskId++;
    CompletionTask<T> task =
        new CompletionTask<>(cursor, "local activity '" + activity + "'", id, resultType);
    if (!sealed) {
      cursor.scheduledLocal(id, activity, Json.write(input), options, task);
    }
    return task;
  }

  @Override
  public Task<Void> createTimer(Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("timer delay must not be negative: " + delay);
    }
    return timerTask(currentTime().plus(delay));
  }

  @Override
  public Task<Void> createTimer(Instant fireAt) {
    return timerTask(fireAt);
  }

  @Override
  public <T> Task<T> waitForEvent(String eventName, Class<T> type) {
    CompletionTask<T> task = new CompletionTask<>(cursor, "event '" + eventName + "'", -1, type);
    cursor.inbox().await(eventName, task);
    return task;
  }

  @Override
  public <T> Task<T> waitForEvent(String eventName, Class<T> type, Duration timeout) {
    CompletionTask<T> event = new CompletionTask<>(cursor, "event '" + eventName + "'", -1, type);
    cursor.inbox().await(eventName, event);
    if (event.isDone()) {
      return event;
    }
    TaskImpl<T> result = new TaskImpl<>(cursor);
    CompletionTask<Void> timer = timerTask(currentTime().plus(timeout));
    event.onDone(
        () -> {
          if (event.failureNow() != null) {
            result.fail(event.failureNow());
          } else {
            result.complete(event.valueNow());
          }
        });
    timer.onDone(
        () -> {
          if (!result.isDone()) {
            cursor.inbox().withdraw(eventName, event);
            result.fail(
                new TaskTimeoutException("no event '" + eventName + "' arrived within " + timeout));
          }
        });
    return result;
  }

  @Override
  public <T> Task<T> callSubOrchestration(
      String orchestration, String childId, Object input, Class<T> resultType) {
    int id = nextTaskId++;
    String child = childId != null ? childId : instanceId + ":" + executionId + ":" + id;
    return schedule(
        new SubOrchestrationScheduled(id, orchestration, null, child, Json.write(input)),
        "sub-orchestration '" + orchestration + "' (" + child + ")",
        resultType);
  }

  @Override
  public Task<Void> startOrchestration(String orchestration, String newInstanceId, Object input) {
    Objects.requireNonNull(newInstanceId, "instance id");
    int id = nextTaskId++;
    return schedule(
        new DetachedStartScheduled(id, orchestration, null, newInstanceId, Json.write(input)),
        "start of '" + orchestration + "' (" + newInstanceId + ")",
        Void.class);
  }

  @Override
  public void setCustomStatus(Object status) {
    customStatus = status == null ? null : Json.write(status);
    customStatusSet = true;
  }

  @Override
  public void continueAsNew(Object input) {
    throw new ContinueAsNewSignal(input, null);
  }

  @Override
  public void continueAsNew(Object input, String newVersion) {
    throw new ContinueAsNewSignal(input, Objects.requireNonNull(newVersion, "version"));
  }

  @Override
  public void continueAsNewInPlace(Object input) {
    throw new ContinueAsNewSignal(input, null, true);
  }

  @Override
  public Task<Task<?>> anyOf(List<? extends Task<?>> tasks) {
    return new AnyOfTask(cursor, tasks);
  }

  @Override
  public <T> Task<List<T>> allOf(List<? extends Task<T>> tasks) {
    return new AllOfTask<>(cursor, tasks);
  }

  @Override
  public Logger logger() {
    return logger;
  }

  /**
   * The per-attempt timeouts of the activity calls scheduled so far, by task id (only calls that
   * have one). Not history: the worker running the call reads it from the work item.
   */
  Map<Integer, Duration> activityTimeouts() {
    return Map.copyOf(activityTimeouts);
  }
}
