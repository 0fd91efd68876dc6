package dev.toygres.engine.client.internal;

import dev.toygres.engine.client.ExecutionInfo;
import dev.toygres.engine.client.HistoryRecord;
import dev.toygres.engine.client.InstanceInfo;
import dev.toygres.engine.client.InstanceQuery;
import dev.toygres.engine.client.OrchestrationAlreadyExistsException;
import dev.toygres.engine.client.OrchestrationNotFoundException;
import dev.toygres.engine.client.OrchestrationNotRunningException;
import dev.toygres.engine.client.OrchestrationStillRunningException;
import dev.toygres.engine.client.Page;
import dev.toygres.engine.client.QueueStats;
import dev.toygres.engine.history.HistoryEvent.EventRaised;
import dev.toygres.engine.store.PostgresStore;
import dev.toygres.engine.store.internal.InstanceBatch;
import dev.toygres.engine.store.internal.InstanceWriter;
import dev.toygres.engine.store.internal.NewInstance;
import dev.toygres.engine.store.internal.QueueMessage;
import dev.toygres.engine.store.internal.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The client's reads and writes, each one transaction; translates what it finds into the client's
 * exceptions.
 */
public final class ManagementStore {
  private final DataSource ds;
  private final InstanceWriter instances;
  private final InstanceBatch batch;
  private final ManagementQueries queries;
  private final Terminator terminator;
  private final String enqueueIfRunning;
  private final String statusOf;

  public ManagementStore(PostgresStore store) {
    String schema = store.schema();
    this.ds = store.dataSource();
    this.instances = new InstanceWriter(schema);
    this.batch = new InstanceBatch(schema);
    this.queries = new ManagementQueries(schema);
    this.terminator = new Terminator(schema, instances);
    this.enqueueIfRunning =
        """
        INSERT INTO %1$s.orchestrator_queue (instance_id, kind, data)
        SELECT instance_id, ?, ?::jsonb FROM %1$s.instances WHERE instance_id = ? AND status = 'running'"""
            .formatted(schema);
    this.statusOf =
        "SELECT status FROM %s.instances WHERE instance_id = ? FOR UPDATE".formatted(schema);
  }

  /**
   * Creates a top-level instance; throws {@link OrchestrationAlreadyExistsException} if the id is
   * taken (by a running instance, or by any when {@code replaceIfEnded} is false).
   */
  public void start(
      String instanceId, String name, String version, String input, boolean replaceIfEnded) {
    NewInstance n = new NewInstance(instanceId, name, version, input, null, null);
    String existing =
        Sql.tx(ds, "starting " + n.instanceId(), c -> instances.create(c, n, replaceIfEnded));
    refuseTaken(n, existing);
  }

  /**
   * Like {@link #start} but on the caller's connection, inside the caller's transaction: nothing is
   * committed or rolled back here.
   */
  public void start(
      Connection tx,
      String instanceId,
      String name,
      String version,
      String input,
      boolean replaceIfEnded) {
    NewInstance n = new NewInstance(instanceId, name, version, input, null, null);
    String existing;
    try {
      if (tx.getAutoCommit()) {
        throw new IllegalArgumentException(
            "starting "
                + instanceId
                + ": the connection must be in a transaction (auto-commit off)");
      }
      existing = instances.create(tx, n, replaceIfEnded);
    } catch (SQLException e) {
      throw Sql.translate("starting " + instanceId, e);
    }
    refuseTaken(n, existing);
  }

  /**
   * Starts an instance of {@code name} for each of {@code ids} (distinct) with the input at the
   * same position, on the caller's connection, inside the caller's transaction: nothing is
   * committed or rolled back here. A taken id is an {@link OrchestrationAlreadyExistsException}
   * naming it (the caller must then roll back).
   */
  public void startAll(
      Connection tx, String name, String version, List<String> ids, List<String> inputs) {
    List<String> taken;
    try {
      if (tx.getAutoCommit()) {
        throw new IllegalArgumentException(
            "starting "
                + ids.size()
                + " instances: the connection must be in a transaction"
                + " (auto-commit off)");
      }
      taken = batch.create(tx, name, version, ids, inputs);
    } catch (SQLException e) {
      throw Sql.translate("starting " + ids.size() + " instances of " + name, e);
    }
    if (!taken.isEmpty()) {
      throw new OrchestrationAlreadyExistsException(
          taken.get(0),
          "an orchestration instance with id '"
              + taken.get(0)
              + "' already exists"
              + (taken.size() > 1 ? " (and " + (taken.size() - 1) + " more of the batch)" : ""));
    }
  }

  private static void refuseTaken(NewInstance n, String existing) {
    if (existing != null) {
      throw new OrchestrationAlreadyExistsException(
          n.instanceId(),
          "an orchestration instance with id '"
              + n.instanceId()
              + "' already exists (status "
              + existing
              + ")");
    }
  }

  /** Queues an external event for a running instance. */
  public void raiseEvent(String instanceId, EventRaised event) {
    enqueue(instanceId, QueueMessage.event(null, event));
  }

  /** Queues a cancel request for a running instance. */
  public void cancel(String instanceId, String reason) {
    enqueue(instanceId, QueueMessage.cancel(reason));
  }

  private void enqueue(String instanceId, QueueMessage m) {
    int n =
        Sql.auto(
            ds,
            "sending to " + instanceId,
            c -> {
              try (PreparedStatement ps = c.prepareStatement(enqueueIfRunning)) {
                ps.setString(1, m.kind().name());
                ps.setString(2, Sql.messageJson(m));
                ps.setString(3, instanceId);
                return ps.executeUpdate();
              }
            });
    if (n == 0) {
      InstanceInfo info = instance(instanceId).orElseThrow(() -> notFound(instanceId));
      throw new OrchestrationNotRunningException(
          instanceId,
          "orchestration instance '"
              + instanceId
              + "' is "
              + info.status().dbName()
              + "; it takes no more events or cancellation");
    }
  }

  /** The backlog of the engine's queues ({@link QueueStats}), in one query. */
  public List<QueueStats> queues() {
    return Sql.auto(ds, "reading the queues", queries::queues);
  }

  public Optional<InstanceInfo> instance(String instanceId) {
    return Sql.auto(ds, "reading " + instanceId, c -> queries.instance(c, instanceId));
  }

  /** The existing instances among {@code ids}, in one query. */
  public Map<String, InstanceInfo> instances(Collection<String> ids) {
    return Sql.auto(ds, "reading instances", c -> queries.instances(c, ids));
  }

  /** Ids of every running instance of an orchestration, in one query. */
  public List<String> runningInstanceIds(String name) {
    return Sql.auto(ds, "listing running " + name, c -> queries.runningIds(c, name));
  }

  /**
   * Ends a running instance now (status cancelled, error type OrchestrationTerminated), revoking
   * any lease on it and dropping its queued work. Throws NotFound or NotRunning.
   */
  public void terminate(String instanceId, String reason) {
    String before =
        Sql.tx(ds, "terminating " + instanceId, c -> terminator.terminate(c, instanceId, reason));
    if (before == null) {
      throw notFound(instanceId);
    }
    if (!"running".equals(before)) {
      throw new OrchestrationNotRunningException(
          instanceId,
          "orchestration instance '"
              + instanceId
              + "' is "
              + before
              + "; there is nothing to terminate");
    }
  }

  public Page<InstanceInfo> list(InstanceQuery q) {
    return Sql.auto(ds, "listing instances", c -> queries.list(c, q));
  }

  public List<ExecutionInfo> executions(String instanceId) {
    return Sql.auto(
        ds, "listing executions of " + instanceId, c -> queries.executions(c, instanceId));
  }

  public List<HistoryRecord> history(String instanceId, int executionId) {
    return Sql.auto(
        ds, "reading history of " + instanceId, c -> queries.history(c, instanceId, executionId));
  }

  /** Deletes an ended instance and all its data. */
  public void delete(String instanceId) {
    Sql.tx(
        ds,
        "deleting " + instanceId,
        c -> {
          String status;
          try (PreparedStatement ps = c.prepareStatement(statusOf)) {
            ps.setString(1, instanceId);
            try (ResultSet rs = ps.executeQuery()) {
              status = rs.next() ? rs.getString(1) : null;
            }
          }
          if (status == null) {
            throw notFound(instanceId);
          }
          if ("running".equals(status)) {
            throw new OrchestrationStillRunningException(
                instanceId,
                "orchestration instance '"
                    + instanceId
                    + "' is still running; cancel it (or wait for it to end) before deleting it");
          }
          instances.deleteData(c, instanceId);
          return queries.delete(c, instanceId);
        });
  }

  /** Purges executions that ended before {@code before}; returns how many. */
  public int purge(Instant before) {
    return Sql.tx(ds, "purging executions", c -> queries.purge(c, before));
  }

  public static OrchestrationNotFoundException notFound(String id) {
    return new OrchestrationNotFoundException(id, "no orchestration instance with id '" + id + "'");
  }
}
