package dev.toygres.engine.store;

import static org.awaitility.Awaitility.await;

import dev.toygres.engine.activity.LeaseFence;
import dev.toygres.engine.client.HistoryRecord;
import dev.toygres.engine.store.internal.ActivityWorkItem;
import dev.toygres.engine.store.internal.OrchestrationWorkItem;
import dev.toygres.engine.store.internal.OutboundMessage;
import dev.toygres.engine.store.internal.StepCommit;
import dev.toygres.engine.store.internal.WorkQueues;
import dev.toygres.engine.worker.Registry;
import dev.toygres.engine.worker.internal.StepProcessor;
import dev.toygres.testkit.TestEngine;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;

/**
 * Helpers for the store validation suite: play a "worker" by hand (fetch, process, commit) and read
 * single values from the fixture's tables.
 */
final class StoreKit {
  static final Duration LONG_LEASE = Duration.ofSeconds(60);

  private StoreKit() {}

  /** A fetched orchestration item together with the step a worker would commit for it. */
  record Step(OrchestrationWorkItem item, StepCommit commit) {}

  /** Fetches the next orchestration item, waiting until one is there. */
  static OrchestrationWorkItem awaitOrchestration(
      WorkQueues store, String workerId, Duration lease) {
    AtomicReference<OrchestrationWorkItem> got = new AtomicReference<>();
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              Optional<OrchestrationWorkItem> item =
                  store.fetchOrchestrationWorkItem(workerId, lease);
              item.ifPresent(got::set);
              return item.isPresent();
            });
    return got.get();
  }

  /**
   * Fetches the next orchestration item and runs its step with {@code registry}, without
   * committing.
   */
  static Step processNext(WorkQueues store, Registry registry) {
    while (true) {
      OrchestrationWorkItem item = awaitOrchestration(store, "hand", LONG_LEASE);
      StepCommit commit = new StepProcessor(registry, 10).process(item);
      if (commit != null) {
        return new Step(item, commit);
      }
      store.discardMessages(item); // messages for an ended instance, as a worker would do
    }
  }

  /** Fetches, processes and commits the next orchestration step, like a worker would. */
  static StepCommit runNextStep(WorkQueues store, Registry registry) {
    Step s = processNext(store, registry);
    store.commitStep(s.commit());
    return s.commit();
  }

  /** Fetches activity work items, waiting until {@code n} have been leased in one fetch. */
  static List<ActivityWorkItem> awaitActivities(
      WorkQueues store, String workerId, int n, Duration lease) {
    List<ActivityWorkItem> got = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              got.addAll(store.fetchActivityWorkItems(workerId, n - got.size(), lease));
              return got.size() >= n;
            });
    return got;
  }

  static ActivityWorkItem awaitActivity(WorkQueues store, String workerId, Duration lease) {
    return awaitActivities(store, workerId, 1, lease).get(0);
  }

  /** The step with a different first history position (to provoke a primary-key violation). */
  static StepCommit withFirstSeq(StepCommit s, int firstSeq) {
    return new StepCommit(
        s.instanceId(),
        s.lockToken(),
        s.executionId(),
        firstSeq,
        s.appended(),
        s.consumed(),
        s.status(),
        s.version(),
        s.output(),
        s.failure(),
        s.customStatus(),
        s.customStatusSet(),
        s.next(),
        s.activities(),
        s.messages(),
        s.newInstances());
  }

  /** The step with other outbound messages. */
  static StepCommit withMessages(StepCommit s, List<OutboundMessage> messages) {
    return new StepCommit(
        s.instanceId(),
        s.lockToken(),
        s.executionId(),
        s.firstSeq(),
        s.appended(),
        s.consumed(),
        s.status(),
        s.version(),
        s.output(),
        s.failure(),
        s.customStatus(),
        s.customStatusSet(),
        s.next(),
        s.activities(),
        messages,
        s.newInstances());
  }

  /** The first column of the first row, as text (null if no row). {@code {s}} is the schema. */
  static String text(TestEngine f, String sql) {
    try (Connection c = f.pool().getConnection();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql.replace("{s}", f.schema()))) {
      return rs.next() ? rs.getString(1) : null;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The first column of every row, as text. */
  static List<String> column(TestEngine f, String sql) {
    List<String> out = new ArrayList<>();
    try (Connection c = f.pool().getConnection();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql.replace("{s}", f.schema()))) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Rows about one instance in every engine table, as "table=count" entries. */
  static List<String> rowsEverywhere(TestEngine f, String instanceId) {
    List<String> out = new ArrayList<>();
    for (String table :
        List.of("instances", "executions", "history", "orchestrator_queue", "activity_queue")) {
      long n =
          f.count(
              "SELECT count(*) FROM {s}." + table + " WHERE instance_id = '" + instanceId + "'");
      out.add(table + "=" + n);
    }
    return out;
  }

  /** Event kinds of a history, in order. */
  static List<String> kinds(List<HistoryRecord> history) {
    return history.stream().map(r -> r.event().kind()).toList();
  }

  /**
   * The 1-based positions of {@code fences} that their set form ({@link LeaseFence#asMember}) finds
   * held and unlocked, checked together in one rolled-back transaction that refuses to wait for a
   * lock longer than 5 s (the set form must never wait).
   */
  static List<Long> heldTogether(DataSource ds, List<LeaseFence> fences) throws SQLException {
    List<LeaseFence.Member> members = fences.stream().map(x -> x.asMember().orElseThrow()).toList();
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("SET LOCAL lock_timeout = '5s'");
      }
      try (PreparedStatement ps = c.prepareStatement(members.get(0).sql())) {
        for (int p = 0; p < members.get(0).key().size(); p++) {
          int at = p;
          ps.setArray(
              p + 1,
              c.createArrayOf(
                  "text", members.stream().map(m -> String.valueOf(m.key().get(at))).toArray()));
        }
        List<Long> held = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            held.add(rs.getLong("ord"));
          }
        }
        return held;
      } finally {
        c.rollback();
      }
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
