package dev.toygres.engine.store;

import dev.toygres.engine.client.ExecutionInfo;
import dev.toygres.engine.client.HistoryRecord;
import dev.toygres.engine.client.InstanceInfo;
import dev.toygres.engine.client.InstanceQuery;
import dev.toygres.engine.client.OrchestrationAlreadyExistsException;
import dev.toygres.engine.client.OrchestrationNotFoundException;
import dev.toygres.engine.client.OrchestrationNotRunningException;
import dev.toygres.engine.client.OrchestrationStillRunningException;
import dev.toygres.engine.client.Page;
import dev.toygres.engine.history.HistoryEvent.Completion;
import dev.toygres.engine.store.internal.ActivityQueue;
import dev.toygres.engine.store.internal.InstanceWriter;
import dev.toygres.engine.store.internal.ManagementQueries;
import dev.toygres.engine.store.internal.OrchestrationQueue;
import dev.toygres.engine.store.internal.Sql;
import dev.toygres.engine.store.internal.StepWriter;
import dev.toygres.engine.store.internal.Terminator;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The engine's state in PostgreSQL, in one schema (default {@code toygres_durable}). Every method
 * is one transaction. Thread-safe; uses connections from the given pool.
 */
public final class PostgresStore {
  public static final String DEFAULT_SCHEMA = "toygres_durable";
  private final DataSource ds;
  private final String schema;
  private final InstanceWriter instances;
  private final StepWriter steps;
  private final OrchestrationQueue orchestrations;
  private final ActivityQueue activities;
  private final ManagementQueries management;
  private final Terminator terminator;
  private final String enqueueIfRunning;
  private final String statusOf;

  public PostgresStore(DataSource ds, String schema) {
    this.ds = ds;
    this.schema = Sql.checkSchema(schema);
    this.instances = new InstanceWriter(schema);
    this.steps = new StepWriter(schema, instances);
    this.orchestrations = new OrchestrationQueue(schema);
    this.activities = new ActivityQueue(schema);
    this.management = new ManagementQueries(schema);
    this.terminator = new Terminator(schema, instances);
    this.enqueueIfRunning =
        """
        INSERT INTO %1$s.orchestrator_queue (instance_id, kind, data)
        SELECT instance_id, ?, ?::jsonb FROM %1$s.instances WHERE instance_id = ? AND status = 'running'"""
            .formatted(schema);
    this.statusOf =
        "SELECT status FROM %s.instances WHERE instance_id = ? FOR UPDATE".formatted(schema);
  }

  public String schema() {
    return schema;
  }

  public DataSource dataSource() {
    return ds;
  }

  /** Creates or upgrades the schema; safe when several processes call it at once. */
  public void migrate() {
    SchemaMigrations.apply(
        ds, schema, "classpath:dev/toygres/engine/store/migration", java.util.Map.of());
  }

  // ---- client side ----

  /** Creates an instance; throws {@link OrchestrationAlreadyExistsException} if the id is taken. */
  public void createInstance(NewInstance n, boolean replaceIfEnded) {
    String existing =
        Sql.tx(ds, "starting " + n.instanceId(), c -> instances.create(c, n, replaceIfEnded));
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

  /** Queues an event or cancel request for a running instance. */
  public void enqueue(String instanceId, QueueMessage m) {
    int n =
        Sql.auto(
            ds,
            "sending to " + instanceId,
            c -> {
              try (PreparedStatement ps = c.prepareStatement(enqueueIfRunning)) {
                ps.setString(1, m.kind().name());
                ps.setString(2, m.kind() == QueueMessage.Kind.WAKE ? null : payload(m));
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

  private static String payload(QueueMessage m) {
    return m.kind() == QueueMessage.Kind.EVENT
        ? Sql.eventJson(m.event())
        : dev.toygres.engine.internal.Json.write(
            java.util.Map.of("reason", String.valueOf(m.reason())));
  }

  public Optional<InstanceInfo> instance(String instanceId) {
    return Sql.auto(ds, "reading " + instanceId, c -> management.instance(c, instanceId));
  }

  /** The existing instances among {@code ids}, in one query. */
  public java.util.Map<String, InstanceInfo> instances(java.util.Collection<String> ids) {
    return Sql.auto(ds, "reading instances", c -> management.instances(c, ids));
  }

  /** Ids of every running instance of an orchestration, in one query. */
  public List<String> runningInstanceIds(String name) {
    return Sql.auto(ds, "listing running " + name, c -> management.runningIds(c, name));
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

  public Page<InstanceInfo> listInstances(InstanceQuery q) {
    return Sql.auto(ds, "listing instances", c -> management.list(c, q));
  }

  public List<ExecutionInfo> executions(String instanceId) {
    return Sql.auto(
        ds, "listing executions of " + instanceId, c -> management.executions(c, instanceId));
  }

  public List<HistoryRecord> history(String instanceId, int executionId) {
    return Sql.auto(
        ds,
        "reading history of " + instanceId,
        c -> management.history(c, instanceId, executionId));
  }

  /** Deletes an ended instance and all its data. */
  public void deleteInstance(String instanceId) {
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
          return management.delete(c, instanceId);
        });
  }

  /** Purges executions that ended before {@code before}; returns how many. */
  public int purgeExecutions(Instant before) {
    return Sql.tx(ds, "purging executions", c -> management.purge(c, before));
  }

  private static OrchestrationNotFoundException notFound(String id) {
    return new OrchestrationNotFoundException(id, "no orchestration instance with id '" + id + "'");
  }

  // ---- runtime side ----

  /** Leases the instance whose oldest visible message is oldest, if any. */
  public Optional<OrchestrationWorkItem> fetchOrchestrationWorkItem(
      String workerId, Duration lease) {
    return fetchOrchestrationWorkItems(workerId, 1, lease).stream().findFirst();
  }

  /** Leases up to {@code max} instances with visible messages, under one lock token. */
  public List<OrchestrationWorkItem> fetchOrchestrationWorkItems(
      String workerId, int max, Duration lease) {
    return Sql.leaseTx(
        ds, "fetching orchestration work", c -> orchestrations.fetch(c, workerId, max, lease));
  }

  /**
   * Commits a step atomically; throws {@link LeaseLostException} (and writes nothing) if the lease
   * is gone.
   */
  public void commitStep(StepCommit step) {
    if (!commitSteps(List.of(step))[0]) {
      throw new LeaseLostException(
          "lease on instance '" + step.instanceId() + "' was lost before its step committed");
    }
  }

  /**
   * Commits several steps in one transaction (one WAL flush for all). Returns, per step, whether it
   * was written: a step whose lease was lost writes nothing, and the others still commit.
   */
  public boolean[] commitSteps(List<StepCommit> batch) {
    return Sql.tx(
        ds,
        batch.size() == 1
            ? "committing step of " + batch.get(0).instanceId()
            : "committing " + batch.size() + " steps",
        c -> {
          boolean[] written = new boolean[batch.size()];
          for (int i = 0; i < written.length; i++) {
            written[i] = steps.commit(c, batch.get(i));
          }
          return written;
        });
  }

  /** Drops the messages of a leased item whose instance has ended, and releases the lease. */
  public void discardMessages(OrchestrationWorkItem item) {
    Sql.auto(
        ds,
        "discarding messages for " + item.instanceId(),
        c -> {
          orchestrations.discard(c, item);
          return null;
        });
  }

  public void abandonOrchestrationWorkItem(
      OrchestrationWorkItem item, String error, Duration delay) {
    Sql.auto(
        ds,
        "abandoning " + item.instanceId(),
        c -> {
          orchestrations.abandon(c, item.instanceId(), item.lockToken(), error, delay);
          return null;
        });
  }

  public List<ActivityWorkItem> fetchActivityWorkItems(String workerId, int max, Duration lease) {
    return Sql.leaseTx(
        ds, "fetching activity work", c -> activities.fetch(c, workerId, max, lease));
  }

  /** Records activity outcomes in one transaction; per item, whether its lease was still held. */
  public boolean[] completeActivities(List<ActivityWorkItem> items, List<Completion> outcomes) {
    return Sql.tx(ds, "completing activities", c -> activities.complete(c, items, outcomes));
  }

  public void abandonActivity(ActivityWorkItem item, Duration delay) {
    Sql.auto(
        ds,
        "abandoning activity " + item.id(),
        c -> {
          activities.abandon(c, item, delay);
          return null;
        });
  }

  /** Extends the leases held under the given tokens. */
  public void renewLeases(
      Collection<UUID> orchestrationTokens, Collection<UUID> activityTokens, Duration lease) {
    Sql.leaseTx(
        ds,
        "renewing leases",
        c ->
            orchestrations.renew(c, orchestrationTokens, lease)
                + activities.renew(c, activityTokens, lease));
  }

  /** When the earliest future orchestration message (a timer, usually) becomes visible. */
  public Optional<Instant> nextOrchestrationVisibleAt() {
    return Sql.auto(ds, "reading next timer", orchestrations::nextVisibleAt);
  }

  public Optional<Instant> nextActivityVisibleAt() {
    return Sql.auto(ds, "reading next activity", activities::nextVisibleAt);
  }

  /** Sends messages (used by the runtime for results of steps that need no history). */
  public void send(List<OutboundMessage> messages) {
    Sql.tx(
        ds,
        "sending messages",
        c -> {
          steps.insertMessages(c, messages);
          return null;
        });
  }
}
