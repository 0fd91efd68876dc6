package dev.toygres.engine.process;

import static dev.toygres.engine.process.HistoryChecks.assertCompletedOnceWithoutDuplicates;
import static dev.toygres.engine.process.HistoryChecks.duplicatedStepsInSchema;
import static dev.toygres.engine.process.HistoryChecks.ofKind;
import static dev.toygres.engine.process.HistoryChecks.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.client.HistoryRecord;
import dev.toygres.engine.client.InstanceInfo;
import dev.toygres.engine.history.HistoryEvent;
import dev.toygres.engine.history.HistoryEvent.ActivityScheduled;
import dev.toygres.engine.history.HistoryEvent.TimerCreated;
import dev.toygres.engine.history.HistoryEvent.TimerFired;
import dev.toygres.engine.process.ProcessWorkloads.FanOut;
import dev.toygres.testkit.EngineExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Worker JVMs killed with SIGKILL at bad moments: another worker process on the same database takes
 * their work over once their leases (2 s) expire, and every orchestration completes once.
 */
class WorkerCrashIT {
  private static final Duration LEASE = Duration.ofSeconds(2);
  private static final Duration DONE = Duration.ofSeconds(60);

  @RegisterExtension final WorkerProcesses workers = new WorkerProcesses();
  @TempDir Path dir;
  @RegisterExtension final EngineExtension f = EngineExtension.perMethod().withPoolSize(8);

  @BeforeEach
  void setUp() {}

  @AfterEach
  void tearDown() throws Exception {
    workers.killAll();
  }

  private String id(String name) {
    return f.schema() + "-" + name;
  }

  @Test
  void activityCutShortBySigkillRunsAgainOnAnotherWorkerAndTheOrchestrationCompletesOnce()
      throws Exception {
    WorkerProcess a = workers.start(id("a"), f.schema(), dir, LEASE);
    f.client().start(ProcessWorkloads.CRASH_SLOW, "slow-1", "x");
    Path marker = ProcessWorkloads.markerFile(dir, "slow-1");
    await().atMost(DONE).until(() -> lines(marker).size() == 1);
    a.kill();
    assertThat(lines(marker))
        .as("the activity started on A and A died in it")
        .containsExactly("start " + a.workerId() + " 1");

    WorkerProcess b = workers.start(id("b"), f.schema(), dir, LEASE);
    InstanceInfo info = f.client().waitForCompletion("slow-1", DONE);

    assertThat(info.status()).isEqualTo(OrchestrationStatus.COMPLETED);
    assertThat(info.output())
        .isEqualTo(
            "\"before@" + a.workerId() + "|" + b.workerId() + "|after@" + b.workerId() + "\"");
    assertThat(lines(marker))
        .as("the activity ran twice: cut short on A, whole on B")
        .containsExactly(
            "start " + a.workerId() + " 1", "start " + b.workerId() + " 2", "end " + b.workerId());
    List<HistoryEvent> events = assertCompletedOnceWithoutDuplicates(f, "slow-1");
    assertThat(ofKind(events, ActivityScheduled.class))
        .extracting(ActivityScheduled::name)
        .containsExactly(ProcessWorkloads.STEP, ProcessWorkloads.SLOW, ProcessWorkloads.STEP);
  }

  @Test
  void workerKilledDuringADurableTimerLeavesItToAnotherWorkerWhichFiresItOnce() throws Exception {
    WorkerProcess a = workers.start(id("a"), f.schema(), dir, LEASE);
    f.client().start(ProcessWorkloads.TIMER, "timer-1", 5000L);
    await().atMost(DONE).until(() -> !ofKind(history("timer-1"), TimerCreated.class).isEmpty());
    a.kill();
    Instant fireAt = ofKind(history("timer-1"), TimerCreated.class).get(0).fireAt();
    assertThat(Instant.now()).as("A was killed while the timer was pending").isBefore(fireAt);

    WorkerProcess b = workers.start(id("b"), f.schema(), dir, LEASE);
    InstanceInfo info = f.client().waitForCompletion("timer-1", DONE);

    assertThat(info.status()).isEqualTo(OrchestrationStatus.COMPLETED);
    assertThat(info.output()).isEqualTo("\"fired@" + b.workerId() + "\"");
    List<HistoryEvent> events = assertCompletedOnceWithoutDuplicates(f, "timer-1");
    assertThat(ofKind(events, TimerCreated.class))
        .extracting(TimerCreated::fireAt)
        .containsExactly(fireAt);
    assertThat(ofKind(events, TimerFired.class))
        .extracting(TimerFired::fireAt)
        .containsExactly(fireAt);
    HistoryRecord fired =
        f.client().getHistory("timer-1", 1).stream()
            .filter(r -> r.event() instanceof TimerFired)
            .findFirst()
            .orElseThrow();
    assertThat(fired.recordedAt()).as("the timer did not fire early").isAfterOrEqualTo(fireAt);
  }

  @Test
  void workerKilledWithTimersLeftToItByStepAffinityLeavesEachToTheOtherWhichFiresItOnce()
      throws Exception {
    List<WorkerProcess> ws =
        workers.startAll(List.of(id("a"), id("b")), f.schema(), dir, LEASE, "affinityMs=1000");
    WorkerProcess a = ws.get(0);
    WorkerProcess b = ws.get(1);
    int instances = 40;
    for (int i = 0; i < instances; i++) {
      f.client().start(ProcessWorkloads.TIMER, "timer-" + i, 4000L);
    }
    await()
        .atMost(DONE)
        .until(
            () ->
                f.count("SELECT count(*) FROM {s}.history WHERE event_type = 'TimerCreated'")
                    == instances);
    long leftToA =
        f.count(
            "SELECT count(*) FROM {s}.orchestrator_queue WHERE sticky_to = '" + a.workerId() + "'");
    a.kill();
    assertThat(leftToA).as("timers A's steps wrote, left to A").isPositive();
    assertThat(f.count("SELECT count(*) FROM {s}.instances WHERE status = 'completed'"))
        .as("A was killed while the timers were pending")
        .isZero();

    for (int i = 0; i < instances; i++) {
      InstanceInfo info = f.client().waitForCompletion("timer-" + i, DONE);
      assertThat(info.status()).isEqualTo(OrchestrationStatus.COMPLETED);
      assertThat(info.output()).isEqualTo("\"fired@" + b.workerId() + "\"");
      List<HistoryEvent> events = assertCompletedOnceWithoutDuplicates(f, "timer-" + i);
      assertThat(ofKind(events, TimerFired.class)).hasSize(1);
    }
    assertThat(duplicatedStepsInSchema(f)).as("nothing completed twice").isEmpty();
  }

  @Test
  void workerKilledWithManyOrchestrationsInFlightLeavesNoneUnfinishedOrDoubled() throws Exception {
    f.sql(ProcessWorkloads.workLogDdl());
    List<WorkerProcess> ws = workers.startAll(List.of(id("a"), id("b")), f.schema(), dir, LEASE);
    WorkerProcess a = ws.get(0);
    WorkerProcess b = ws.get(1);
    int instances = 120;
    int tasks = 4;
    for (int i = 0; i < instances; i++) {
      f.client().start(ProcessWorkloads.FAN_OUT, "fan-" + i, new FanOut(tasks, 250));
    }
    await()
        .atMost(DONE)
        .until(
            () ->
                f.count(
                        "SELECT count(*) FROM {s}.work_log WHERE worker_id = '"
                            + a.workerId()
                            + "'")
                    >= 40);
    // Read just before the kill: A may still commit some of these as it dies (a COMMIT already
    // on its way to the server), so the checks below hold whichever way each one went.
    List<String> leasedByA =
        rows(
            f,
            "SELECT instance_id || '/' || task_id FROM {s}.activity_queue WHERE locked_by = '"
                + a.workerId()
                + "'",
            s -> s);
    a.kill();
    assertThat(f.count("SELECT count(*) FROM {s}.instances WHERE status = 'completed'"))
        .as("A died with work in flight")
        .isLessThan(instances);
    assertThat(leasedByA).as("activities leased by A just before it was killed").isNotEmpty();

    await()
        .atMost(DONE)
        .until(
            () ->
                f.count("SELECT count(*) FROM {s}.instances WHERE status <> 'running'")
                    == instances);

    assertThat(
            f.count(
                "SELECT count(*) FROM {s}.instances WHERE status = 'completed' AND output = '6'"))
        .as("no orchestration lost")
        .isEqualTo(instances);
    assertThat(duplicatedStepsInSchema(f)).as("nothing completed twice").isEmpty();
    assertThat(f.count("SELECT count(DISTINCT (instance_id, task_id)) FROM {s}.work_log"))
        .as("every activity ran")
        .isEqualTo((long) instances * tasks);
    assertThat(rows(f, "SELECT DISTINCT worker_id FROM {s}.work_log", s -> s))
        .containsExactlyInAnyOrder(a.workerId(), b.workerId());
    List<String> finishedByA =
        rows(
            f,
            "SELECT instance_id || '/' || task_id FROM {s}.work_log WHERE worker_id = '"
                + a.workerId()
                + "'",
            s -> s);
    List<String> ranAgainByB =
        rows(
            f,
            "SELECT instance_id || '/' || task_id FROM {s}.work_log WHERE worker_id = '"
                + b.workerId()
                + "' AND dispatch_count >= 2",
            s -> s);
    assertThat(ranAgainByB).as("A died holding unfinished work, which B ran again").isNotEmpty();
    assertThat(leasedByA.stream().filter(item -> !finishedByA.contains(item)).toList())
        .as("B ran again what A had leased and not finished when it died")
        .isSubsetOf(ranAgainByB);
    assertThat(f.count("SELECT count(*) FROM {s}.activity_queue")).isZero();
    assertThat(f.count("SELECT count(*) FROM {s}.orchestrator_queue")).isZero();
  }

  private List<HistoryEvent> history(String instanceId) {
    return f.client().getHistory(instanceId, 1).stream().map(HistoryRecord::event).toList();
  }

  private static List<String> lines(Path file) throws IOException {
    return Files.exists(file) ? Files.readAllLines(file) : List.of();
  }
}
