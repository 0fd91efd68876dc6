package dev.toygres.engine.process;

import static dev.toygres.engine.process.HistoryChecks.assertCompletedOnceWithoutDuplicates;
import static dev.toygres.engine.process.HistoryChecks.duplicatedStepsInSchema;
import static dev.toygres.engine.process.HistoryChecks.ofKind;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.client.InstanceInfo;
import dev.toygres.engine.history.HistoryEvent;
import dev.toygres.engine.history.HistoryEvent.ActivityScheduled;
import dev.toygres.engine.history.HistoryEvent.LocalActivityRecorded;
import dev.toygres.engine.history.HistoryEvent.OrchestratorStarted;
import dev.toygres.testkit.EngineExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker JVM killed with SIGKILL after a local activity ran and before the step holding its
 * result committed: nothing of that step is recorded, another worker runs the step and the local
 * activity again (at least once), and the orchestration completes exactly once.
 */
class LocalActivityCrashIT {
  private static final Duration LEASE = Duration.ofSeconds(2);
  private static final Duration DONE = Duration.ofSeconds(60);

  @RegisterExtension final WorkerProcesses workers = new WorkerProcesses();
  @TempDir Path dir;
  @RegisterExtension final EngineExtension f = EngineExtension.perMethod().withPoolSize(8);

  @AfterEach
  void tearDown() throws Exception {
    workers.killAll();
  }

  private String id(String name) {
    return f.schema() + "-" + name;
  }

  @Test
  void workerKilledBetweenALocalActivityAndItsStepsCommitLeavesTheStepToAnotherWorkerOnce()
      throws Exception {
    String instance = "local-1";
    Path marker = ProcessWorkloads.markerFile(dir, instance);
    Path hold = ProcessWorkloads.holdFile(dir, instance);
    Files.writeString(hold, "hold");
    WorkerProcess a = workers.start(id("a"), f.schema(), dir, LEASE);
    f.client().start(ProcessWorkloads.LOCAL_THEN_HOLD, instance, "x");
    await().atMost(DONE).until(() -> lines(marker).size() == 2);
    a.kill();
    assertThat(lines(marker))
        .as("the local activity ran on A, and A died before its step committed")
        .containsExactly("mark " + a.workerId() + " 1", "held " + a.workerId());
    assertThat(f.client().getHistory(instance, 1))
        .as("nothing of the step A ran was recorded")
        .hasSize(1);

    Files.delete(hold);
    WorkerProcess b = workers.start(id("b"), f.schema(), dir, LEASE);
    InstanceInfo info = f.client().waitForCompletion(instance, DONE);

    assertThat(info.status()).isEqualTo(OrchestrationStatus.COMPLETED);
    assertThat(info.output()).isEqualTo("\"mark@" + b.workerId() + "|after@" + b.workerId() + "\"");
    assertThat(lines(marker))
        .as("run again by B, once: the later steps replayed its recorded result")
        .containsExactly(
            "mark " + a.workerId() + " 1", "held " + a.workerId(), "mark " + b.workerId() + " 2");
    List<HistoryEvent> events = assertCompletedOnceWithoutDuplicates(f, instance);
    assertThat(ofKind(events, LocalActivityRecorded.class))
        .containsExactly(
            new LocalActivityRecorded(
                0, ProcessWorkloads.MARK, "\"mark@" + b.workerId() + "\"", null, 1));
    assertThat(ofKind(events, ActivityScheduled.class))
        .extracting(ActivityScheduled::name)
        .containsExactly(ProcessWorkloads.STEP);
    assertThat(ofKind(events, OrchestratorStarted.class))
        .as("steps: local activity + timer, timer fired + activity, activity done")
        .hasSize(3);
    assertThat(duplicatedStepsInSchema(f)).isEmpty();
  }

  private static List<String> lines(Path file) throws IOException {
    return Files.exists(file) ? Files.readAllLines(file) : List.of();
  }
}
