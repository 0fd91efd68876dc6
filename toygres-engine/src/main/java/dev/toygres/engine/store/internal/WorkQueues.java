package dev.toygres.engine.store.internal;

import dev.toygres.engine.activity.LeaseFence;
import dev.toygres.engine.history.HistoryEvent.Completion;
import dev.toygres.engine.store.PostgresStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The worker's side of the store: lease work, commit steps and activity outcomes, renew and give
 * back leases. Every method is one transaction. Thread-safe.
 */
public final class WorkQueues {
  private final DataSource ds;
  private final StepWriter steps;
  private final OrchestrationQueue orchestrations;
  private final ActivityQueue activities;

  public WorkQueues(DataSource ds, String schema) {
    this.ds = ds;
    Sql.checkSchema(schema);
    this.steps = new StepWriter(schema, new InstanceWriter(schema));
    this.orchestrations = new OrchestrationQueue(schema);
    this.activities = new ActivityQueue(schema);
  }

  /** The work queues in the schema of {@code store}, over its pool. */
  public static WorkQueues of(PostgresStore store) {
    return new WorkQueues(store.dataSource(), store.schema());
  }

  /** Leases the instance whose oldest visible message is oldest, if any. */
  public Optional<OrchestrationWorkItem> fetchOrchestrationWorkItem(
      String workerId, Duration lease) {
    return fetchOrchestrationWorkItems(workerId, 1, lease).stream().findFirst();
  }

  /** Leases up to {@code max} instances with visible messages, under one lock token. */
  public List<OrchestrationWorkItem> fetchOrchestrationWorkItems(
      String workerId, int max, Duration lease) {
    return fetchOrchestrationWorkItems(workerId, max, lease, Duration.ZERO);
  }

  /**
   * As above, with step affinity: a message that a step committed by another worker wrote for its
   * own instance (its next timer) is left to that worker until it has been due for {@code affinity}
   * (docs/engine.md, "Step affinity").
   */
  public List<OrchestrationWorkItem> fetchOrchestrationWorkItems(
      String workerId, int max, Duration lease, Duration affinity) {
    return Sql.leaseTx(
        ds,
        "fetching orchestration work",
        c -> orchestrations.fetch(c, workerId, max, lease, affinity));
  }

  /**
   * Commits a step atomically; throws {@link LeaseLostException} (and writes nothing) if the lease
   * is gone.
   */
  public void commitStep(StepCommit step) {
    if (!commitSteps(List.of(step))[0]) {
      throw new LeaseLostException(step.instanceId(), step.executionId(), step.lockToken());
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
        c -> steps.commit(c, batch));
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

  /** Gives the lease back after a failed step; the item is visible again after {@code delay}. */
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

  /** Leases up to {@code max} visible activity calls, under one lock token. */
  public List<ActivityWorkItem> fetchActivityWorkItems(String workerId, int max, Duration lease) {
    return Sql.leaseTx(
        ds, "fetching activity work", c -> activities.fetch(c, workerId, max, lease));
  }

  /** Records activity outcomes in one transaction; per item, whether its lease was still held. */
  public boolean[] completeActivities(List<ActivityWorkItem> items, List<Completion> outcomes) {
    return Sql.tx(ds, "completing activities", c -> activities.complete(c, items, outcomes));
  }

  /** Gives an activity call back unrun; it is visible again after {@code delay}. */
  /**
   * The fence of a leased activity call: true in a caller's transaction while this worker still
   * holds {@code item}'s lease, which it then keeps from being taken over until that transaction
   * ends.
   */
  public LeaseFence fenceOf(ActivityWorkItem item) {
    return new LeaseFence() {
      @Override
      public boolean holdsIn(Connection tx) throws SQLException {
        return activities.holds(tx, item.id(), item.lockToken());
      }

      @Override
      public Optional<Query> asQuery() {
        return Optional.of(new Query(activities.fenceSql(), List.of(item.id(), item.lockToken())));
      }

      @Override
      public Optional<Member> asMember() {
        return Optional.of(
            new Member(activities.memberFenceSql(), List.of(item.id(), item.lockToken())));
      }
    };
  }

  /**
   * The fence of a leased orchestration step, for the local activities it runs: true in a caller's
   * transaction while this worker still holds {@code item}'s instance, which it then keeps from
   * being taken over until that transaction ends.
   */
  public LeaseFence fenceOf(OrchestrationWorkItem item) {
    return new LeaseFence() {
      @Override
      public boolean holdsIn(Connection tx) throws SQLException {
        return orchestrations.holds(tx, item.instanceId(), item.lockToken());
      }

      @Override
      public void ensureHeldIn(Connection tx, String what) throws SQLException {
        if (!holdsIn(tx)) {
          throw new dev.toygres.engine.activity.LeaseLostException(
              what
                  + ": this worker no longer holds orchestration '"
                  + item.instanceId()
                  + "' (another worker took it over)");
        }
      }

      @Override
      public Optional<Query> asQuery() {
        return Optional.of(
            new Query(orchestrations.fenceSql(), List.of(item.instanceId(), item.lockToken())));
      }

      @Override
      public Optional<Member> asMember() {
        return Optional.of(
            new Member(
                orchestrations.memberFenceSql(), List.of(item.instanceId(), item.lockToken())));
      }
    };
  }

  public void abandonActivity(ActivityWorkItem item, Duration delay) {
    Sql.auto(
        ds,
        "abandoning activity " + item.id() + " of " + item.instanceId(),
        c -> {
          activities.abandon(c, item, delay);
          return null;
        });
  }

  /**
   * Extends the leases held under the given tokens, and returns which of them are still held: a
   * token or activity item missing from the answer was taken over by another worker after its lease
   * expired (this process was paused or cut off), or its work ended meanwhile. {@code
   * orchestrations} gives, for each orchestration token, the instances its fetch leased: the
   * renewal finds them by key.
   */
  public HeldLeases renewLeases(
      Map<UUID, ? extends Collection<String>> orchestrations,
      Collection<UUID> activityTokens,
      Duration lease) {
    Set<String> instances = new HashSet<>();
    orchestrations.values().forEach(instances::addAll);
    Set<UUID> orchestrationTokens = orchestrations.keySet();
    return Sql.leaseTx(
        ds,
        "renewing leases",
        c -> {
          this.orchestrations.renew(c, instances, orchestrationTokens, lease);
          activities.renew(c, activityTokens, lease);
          return new HeldLeases(
              this.orchestrations.held(c, instances, orchestrationTokens),
              activities.held(c, activityTokens));
        });
  }

  /**
   * When the earliest orchestration message (a timer, usually) that was not visible {@code
   * sinceLooked} ago becomes visible: in the past when one became visible since then (a fetch that
   * looked then did not see it), empty when none is left.
   */
  public Optional<Instant> nextOrchestrationVisibleAt(Duration sinceLooked) {
    return nextOrchestrationVisibleAt("", Duration.ZERO, sinceLooked);
  }

  /**
   * As above for {@code workerId} with step affinity: a message left to another worker counts from
   * when {@code workerId} may take it, {@code affinity} after it is due.
   */
  public Optional<Instant> nextOrchestrationVisibleAt(
      String workerId, Duration affinity, Duration sinceLooked) {
    return Sql.auto(
        ds,
        "reading next timer",
        c -> orchestrations.nextVisibleAt(c, workerId, affinity, sinceLooked));
  }

  /** The same for activity calls (a retry, usually). */
  public Optional<Instant> nextActivityVisibleAt(Duration sinceLooked) {
    return Sql.auto(ds, "reading next activity", c -> activities.nextVisibleAt(c, sinceLooked));
  }

  /** Sends messages outside a step. */
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
