package dev.toygres.engine.client;

import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.client.internal.ManagementStore;
import dev.toygres.engine.history.HistoryEvent.EventRaised;
import dev.toygres.engine.internal.Json;
import dev.toygres.engine.store.PostgresStore;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * Starts orchestrations, talks to them and manages them. Thread-safe; needs no running worker in
 * this process. Inputs and event data are serialized to JSON.
 */
public final class DurableClient {
  private final ManagementStore store;

  /** A client of the orchestrations in {@code store}; the store must already be migrated. */
  public DurableClient(PostgresStore store) {
    this.store = new ManagementStore(Objects.requireNonNull(store, "store"));
  }

  /**
   * Starts an orchestration under {@code instanceId} at the latest version registered on the worker
   * that first runs it. Throws {@link OrchestrationAlreadyExistsException} if the id is taken.
   */
  public void start(String name, String instanceId, Object input) {
    start(name, instanceId, input, StartOptions.defaults());
  }

  /** Starts an orchestration with explicit version and behaviour for an existing id. */
  public void start(String name, String instanceId, Object input, StartOptions options) {
    checkId(instanceId);
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("orchestration name must not be blank");
    }
    store.start(
        instanceId,
        name,
        options.version(),
        Json.write(input),
        options.ifExists() == StartOptions.IfExists.REPLACE_IF_ENDED);
  }

  /**
   * Starts an orchestration as part of the caller's transaction: the instance, its first execution
   * and its wake-up are written on {@code tx}, which must be a connection to this client's database
   * with auto-commit off. Nothing is committed here: the orchestration exists, and runs, only once
   * the caller commits, and a rollback leaves no trace of it. So a record of the caller's and the
   * orchestration that acts on it commit together or not at all. Throws {@link
   * OrchestrationAlreadyExistsException} if the id is taken (the caller should then roll back),
   * {@link IllegalArgumentException} for a connection in auto-commit mode (nothing written), and a
   * {@link dev.toygres.engine.store.StoreException} for a database error.
   */
  public void start(
      Connection tx, String name, String instanceId, Object input, StartOptions options) {
    Objects.requireNonNull(tx, "tx");
    checkId(instanceId);
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("orchestration name must not be blank");
    }
    store.start(
        tx,
        instanceId,
        name,
        options.version(),
        Json.write(input),
        options.ifExists() == StartOptions.IfExists.REPLACE_IF_ENDED);
  }

  /** {@link #start(Connection, String, String, Object, StartOptions)} with the default options. */
  public void start(Connection tx, String name, String instanceId, Object input) {
    start(tx, name, instanceId, input, StartOptions.defaults());
  }

  /**
   * Starts one instance of the orchestration {@code name} per entry of {@code inputs} (instance id
   * to input, at the latest version, as {@link #start(Connection, String, String, Object)} does for
   * one) as part of the caller's transaction, in a few set-based statements whatever their number:
   * nothing is committed here, they all run once the caller commits, and a rollback leaves no trace
   * of any. Throws {@link OrchestrationAlreadyExistsException} naming a taken id (the caller must
   * then roll back: the others are partly written), {@link IllegalArgumentException} for a blank
   * name or id or a connection in auto-commit mode (nothing written), and a {@link
   * dev.toygres.engine.store.StoreException} for a database error. An empty map writes nothing.
   */
  public void startAll(Connection tx, String name, Map<String, ?> inputs) {
    Objects.requireNonNull(tx, "tx");
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("orchestration name must not be blank");
    }
    if (inputs.isEmpty()) {
      return;
    }
    List<String> ids = new ArrayList<>(inputs.size());
    List<String> json = new ArrayList<>(inputs.size());
    inputs.forEach(
        (id, input) -> {
          checkId(id);
          ids.add(id);
          json.add(Json.write(input));
        });
    store.startAll(tx, name, StartOptions.defaults().version(), ids, json);
  }

  /**
   * Starts a singleton orchestration under a fixed id unless it is already running: an ended one is
   * replaced, a running one left alone. Safe when several processes call it at once (one of them
   * starts it). Returns whether this call started it.
   */
  public boolean startIfNotRunning(String name, String instanceId, Object input) {
    boolean running =
        store
            .instance(instanceId)
            .map(i -> i.status() == OrchestrationStatus.RUNNING)
            .orElse(false);
    if (running) {
      return false;
    }
    try {
      start(
          name,
          instanceId,
          input,
          StartOptions.defaults().withIfExists(StartOptions.IfExists.REPLACE_IF_ENDED));
      return true;
    } catch (OrchestrationAlreadyExistsException startedElsewhere) {
      return false;
    }
  }

  /**
   * Raises an external event. It is kept until the orchestration waits for an event of that name,
   * even across continue-as-new. Throws {@link OrchestrationNotFoundException} or {@link
   * OrchestrationNotRunningException}.
   */
  public void raiseEvent(String instanceId, String eventName, Object data) {
    checkId(instanceId);
    if (eventName == null || eventName.isBlank()) {
      throw new IllegalArgumentException("event name must not be blank");
    }
    store.raiseEvent(instanceId, new EventRaised(eventName, Json.write(data)));
  }

  /**
   * Cancels a running instance (and its running sub-orchestrations). Its status becomes {@code
   * cancelled} once a worker handles the request. Throws {@link OrchestrationNotFoundException} or
   * {@link OrchestrationNotRunningException}.
   */
  public void cancel(String instanceId, String reason) {
    checkId(instanceId);
    store.cancel(instanceId, reason == null ? "cancelled" : reason);
  }

  public Optional<InstanceInfo> getInstance(String instanceId) {
    return store.instance(instanceId);
  }

  /** The existing instances among {@code ids}, by id, in one database round trip. */
  public Map<String, InstanceInfo> getInstances(Collection<String> ids) {
    return store.instances(ids);
  }

  /**
   * The backlog of the engine's queues ({@code orchestrations}, then {@code activities}): ready
   * items and the age of the oldest, on the database's clock, in one round trip.
   */
  public List<QueueStats> queues() {
    return store.queues();
  }

  /** Ids of every running instance of the orchestration {@code name}, in one round trip. */
  public List<String> runningInstanceIds(String name) {
    return store.runningInstanceIds(name);
  }

  /**
   * Ends a running instance immediately, without waiting for a worker: for instances whose work is
   * stuck (for example leased by a dead worker), which {@link #cancel} would only reach after the
   * lease expires. Its status becomes {@code cancelled} (error type {@code
   * OrchestrationTerminated}); a late commit by the old lease holder is refused. Unlike {@link
   * #cancel}, sub-orchestrations are not cancelled. Throws {@link OrchestrationNotFoundException}
   * or {@link OrchestrationNotRunningException}.
   */
  public void terminate(String instanceId, String reason) {
    checkId(instanceId);
    store.terminate(instanceId, reason == null ? "terminated" : reason);
  }

  /**
   * Waits until the instance has ended (completed, failed or cancelled) and returns it. Throws
   * {@link TimeoutException} if it is still running after {@code timeout}.
   */
  public InstanceInfo waitForCompletion(String instanceId, Duration timeout)
      throws TimeoutException, InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    long sleep = 10;
    while (true) {
      InstanceInfo info =
          store.instance(instanceId).orElseThrow(() -> ManagementStore.notFound(instanceId));
      if (info.status().isTerminal()) {
        return info;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new TimeoutException(
            "orchestration instance '" + instanceId + "' still running after " + timeout);
      }
      Thread.sleep(sleep);
      sleep = Math.min(sleep * 2, 250);
    }
  }

  /** Lists instances, newest first, filtered and paged by {@code query}. */
  public Page<InstanceInfo> listInstances(InstanceQuery query) {
    return store.list(query);
  }

  /** The executions of an instance, oldest first (empty if it does not exist). */
  public List<ExecutionInfo> listExecutions(String instanceId) {
    return store.executions(instanceId);
  }

  /** The history of one execution, in order. */
  public List<HistoryRecord> getHistory(String instanceId, int executionId) {
    return store.history(instanceId, executionId);
  }

  /** The history of the current execution. */
  public List<HistoryRecord> getHistory(String instanceId) {
    InstanceInfo info =
        store.instance(instanceId).orElseThrow(() -> ManagementStore.notFound(instanceId));
    return store.history(instanceId, info.executionId());
  }

  /**
   * Deletes an ended instance with its history. Throws {@link OrchestrationStillRunningException}
   * for a running one and {@link OrchestrationNotFoundException} for an unknown id.
   */
  public void delete(String instanceId) {
    store.delete(instanceId);
  }

  /**
   * Deletes executions that ended before {@code before} (past executions of running instances, and
   * ended instances whole). Returns the number of executions deleted.
   */
  public int purge(Instant before) {
    return store.purge(before);
  }

  private static void checkId(String instanceId) {
    if (instanceId == null || instanceId.isBlank()) {
      throw new IllegalArgumentException("instance id must not be blank");
    }
    if (instanceId.length() > 256) {
      throw new IllegalArgumentException("instance id must be at most 256 characters");
    }
  }
}
