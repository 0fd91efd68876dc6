package dev.toygres.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.history.HistoryEvent.TimerCreated;
import dev.toygres.engine.store.internal.WorkQueues;
import dev.toygres.engine.worker.Registry;
import dev.toygres.engine.worker.WorkerOptions;
import dev.toygres.testkit.EngineExtension;
import dev.toygres.testkit.EngineFixture;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Only work that is visible now sends a NOTIFY; work due later (a timer) is found by the idle
 * dispatchers' wait for the next due item, with no notification.
 */
class ReadyWorkNotificationIT {
  @RegisterExtension static final EngineExtension f = EngineExtension.perMethod();

  /** Long enough that a test finishing well within it was not woken by the poll. */
  private static final WorkerOptions RARE_POLLS =
      EngineFixture.testOptions().withPollInterval(Duration.ofMinutes(2));

  private static Registry sleeper() {
    return Registry.builder()
        .orchestration(
            "sleep",
            Long.class,
            (ctx, ms) -> {
              ctx.createTimer(Duration.ofMillis(ms)).await();
              return "slept";
            })
        .build();
  }

  @Test
  void insertsOfOnlyFutureRowsOrNoRowsSendNoNotificationAndReadyRowsOnePerTransaction()
      throws Exception {
    try (Listener listener = new Listener();
        Connection future = f.pool().getConnection();
        Connection ready = f.pool().getConnection()) {
      execute(
          future,
          """
          INSERT INTO {s}.orchestrator_queue (instance_id, kind, visible_at)
          VALUES ('a', 'WAKE', now() + interval '30 seconds')""");
      execute(
          future,
          """
          INSERT INTO {s}.activity_queue (instance_id, execution_id, task_id, name, visible_at)
          VALUES ('a', 1, 1, 'x', now() + interval '30 seconds')""");
      execute(
          future,
          "INSERT INTO {s}.orchestrator_queue (instance_id, kind) SELECT 'a', 'WAKE' WHERE false");
      ready.setAutoCommit(false);
      execute(
          ready,
          """
          INSERT INTO {s}.orchestrator_queue (instance_id, kind, visible_at)
          VALUES ('b', 'WAKE', now() + interval '30 seconds'), ('b', 'WAKE', now()),
                 ('c', 'WAKE', now() - interval '1 second')""");
      execute(
          ready,
          """
          INSERT INTO {s}.activity_queue (instance_id, execution_id, task_id, name)
          VALUES ('b', 1, 1, 'x'), ('b', 1, 2, 'x')""");
      ready.commit();

      List<String> sent = listener.sentUntilNow();

      int readyPid = pid(ready);
      assertThat(sent)
          .containsExactlyInAnyOrder(
              f.schema() + "_orchestrations from " + readyPid,
              f.schema() + "_activities from " + readyPid);
    }
  }

  @Test
  void aTimerFiresWithoutANotificationThoughIdleDispatchersPollOnlyEveryTwoMinutes()
      throws Exception {
    f.startWorker(sleeper(), RARE_POLLS);
    try (Listener listener = new Listener()) {
      f.client().start("sleep", "nap", 1000L);

      assertThat(f.client().waitForCompletion("nap", Duration.ofSeconds(60)).status())
          .isEqualTo(OrchestrationStatus.COMPLETED);
      // The start's wake-up only: the step that created the timer and the one that completed
      // the instance sent nothing.
      assertThat(listener.sentUntilNow())
          .singleElement()
          .asString()
          .startsWith(f.schema() + "_orchestrations from ");
    }
  }

  @Test
  void aShorterTimerCreatedWhileDispatchersWaitForALaterOneFiresFirst() throws Exception {
    f.startWorker(sleeper(), RARE_POLLS);
    f.client().start("sleep", "long", Duration.ofMinutes(2).toMillis());
    await("the long timer is created")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () ->
                f.client().getHistory("long").stream()
                    .anyMatch(r -> r.event() instanceof TimerCreated));

    f.client().start("sleep", "short", 1000L);

    assertThat(f.client().waitForCompletion("short", Duration.ofSeconds(60)).status())
        .isEqualTo(OrchestrationStatus.COMPLETED);
    assertThat(f.client().getInstance("long").orElseThrow().status())
        .isEqualTo(OrchestrationStatus.RUNNING);
  }

  @Test
  void workThatBecameVisibleAfterAFetchLookedIsDueNowWhileOlderReadyWorkIsNotCounted()
      throws Exception {
    WorkQueues queues = WorkQueues.of(f.store());
    try (Connection c = f.pool().getConnection()) {
      // Ready before the look: a fetch saw it (and left it: its instance was leased elsewhere,
      // say).
      execute(
          c,
          """
          INSERT INTO {s}.orchestrator_queue (instance_id, kind, visible_at)
          VALUES ('before', 'WAKE', now() - interval '5 seconds')""");
      execute(
          c,
          """
          INSERT INTO {s}.activity_queue (instance_id, execution_id, task_id, name, visible_at)
          VALUES ('before', 1, 1, 'x', now() - interval '5 seconds')""");
      long looked = System.nanoTime();
      // Visible 300 ms after the look: after the fetch, before the idle wait asks what is next.
      execute(
          c,
          """
          INSERT INTO {s}.orchestrator_queue (instance_id, kind, visible_at)
          VALUES ('after', 'WAKE', now() + interval '300 milliseconds')""");
      execute(
          c,
          """
          INSERT INTO {s}.activity_queue (instance_id, execution_id, task_id, name, visible_at)
          VALUES ('after', 1, 1, 'x', now() + interval '300 milliseconds')""");
      Instant orchestration = visibleAt(c, "orchestrator_queue", "after");
      Instant activity = visibleAt(c, "activity_queue", "after");
      await("both rows visible")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> !dbNow(c).isBefore(orchestration) && !dbNow(c).isBefore(activity));

      // Neither row is in the future any more; the one that became visible since the look is
      // still reported, so the dispatcher looks again at once instead of sleeping a poll interval.
      Duration since = Duration.ofNanos(System.nanoTime() - looked);
      assertThat(queues.nextOrchestrationVisibleAt(since)).contains(orchestration);
      assertThat(queues.nextActivityVisibleAt(since)).contains(activity);
      // Looked at after both: nothing comes.
      assertThat(queues.nextOrchestrationVisibleAt(Duration.ZERO)).isEmpty();
      assertThat(queues.nextActivityVisibleAt(Duration.ZERO)).isEmpty();
    }
  }

  private static Instant visibleAt(Connection c, String table, String instance)
      throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT visible_at FROM "
                    + f.schema()
                    + "."
                    + table
                    + " WHERE instance_id = '"
                    + instance
                    + "'")) {
      rs.next();
      return rs.getTimestamp(1).toInstant();
    }
  }

  private static Instant dbNow(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT clock_timestamp()")) {
      rs.next();
      return rs.getTimestamp(1).toInstant();
    }
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql.replace("{s}", f.schema()));
    }
  }

  private static int pid(Connection c) throws SQLException {
    return c.unwrap(PGConnection.class).getBackendPID();
  }

  /** A connection LISTENing on the schema's two channels, as a worker's listener does. */
  private static final class Listener implements AutoCloseable {
    private static final String MARKER = "end of test";
    private final Connection c;
    private final List<PGNotification> received = new ArrayList<>();

    Listener() throws SQLException {
      c = f.pool().getConnection();
      execute(c, "LISTEN \"{s}_orchestrations\"");
      execute(c, "LISTEN \"{s}_activities\"");
    }

    /**
     * The notifications sent by every transaction committed so far, as "channel from backend pid".
     * Notifications reach a listener in commit order, so once a marker sent now has arrived, every
     * earlier one has.
     */
    List<String> sentUntilNow() throws SQLException {
      try (Connection m = f.pool().getConnection()) {
        execute(m, "SELECT pg_notify('{s}_orchestrations', '" + MARKER + "')");
      }
      PGConnection pg = c.unwrap(PGConnection.class);
      await("the marker notification")
          .atMost(Duration.ofSeconds(30))
          .pollInSameThread()
          .pollInterval(Duration.ofMillis(10))
          .until(
              () -> {
                PGNotification[] got = pg.getNotifications(100);
                if (got != null) {
                  received.addAll(Arrays.asList(got));
                }
                return received.stream().anyMatch(n -> MARKER.equals(n.getParameter()));
              });
      return received.stream()
          .filter(n -> !MARKER.equals(n.getParameter()))
          .map(n -> n.getName() + " from " + n.getPID())
          .toList();
    }

    @Override
    public void close() throws SQLException {
      try {
        execute(c, "UNLISTEN *");
      } finally {
        c.close();
      }
    }
  }
}
