package dev.toygres.engine.process;

import static dev.toygres.engine.process.HistoryChecks.assertCompletedOnceWithoutDuplicates;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.client.InstanceInfo;
import dev.toygres.engine.faults.Signals;
import dev.toygres.testkit.EngineExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker JVM paused (SIGSTOP) past its lease while another worker takes its activity over: when
 * it resumes, its lease keeper finds the lease gone, interrupts the activity and drops its outcome,
 * so the activity's effects happen once per attempt the other worker made (issue 10, test 5, at the
 * engine's level).
 */
class WorkerPauseIT {
  private static final Duration LEASE = Duration.ofSeconds(2);
  private static final Duration DONE = Duration.ofSeconds(60);

  @RegisterExtension final WorkerProcesses workers = new WorkerProcesses();
  @TempDir Path dir;
  @RegisterExtension final EngineExtension f = EngineExtension.perMethod().withPoolSize(8);
  private WorkerProcess paused;

  @AfterEach
  void tearDown() throws Exception {
    if (paused != null && paused.isAlive()) {
      Signals.send("CONT", List.of(paused.pid()));
    }
    workers.killAll();
  }

  @Test
  void workerResumedAfterItsActivityWasTakenOverInterruptsItAndDropsItsOutcome() throws Exception {
    WorkerProcess a = workers.start(f.schema() + "-a", f.schema(), dir, LEASE);
    f.client().start(ProcessWorkloads.CRASH_SLOW, "slow-1", "x");
    Path marker = ProcessWorkloads.markerFile(dir, "slow-1");
    await().atMost(DONE).until(() -> lines(marker).size() == 1);
    Signals.send("STOP", List.of(a.pid()));
    paused = a;

    WorkerProcess b = workers.start(f.schema() + "-b", f.schema(), dir, LEASE);
    InstanceInfo info = f.client().waitForCompletion("slow-1", DONE);
    assertThat(info.status()).isEqualTo(OrchestrationStatus.COMPLETED);
    assertThat(info.output())
        .isEqualTo(
            "\"before@" + a.workerId() + "|" + b.workerId() + "|after@" + b.workerId() + "\"");

    Signals.send("CONT", List.of(a.pid()));
    paused = null;
    await("A finds its activity lease gone")
        .atMost(DONE)
        .until(() -> Files.readString(a.log(), StandardCharsets.UTF_8).contains("lost its lease"));

    // A marker line of A's attempt would follow its interrupt at once; new work completing (on A
    // or B) gives it that time.
    f.client().start(ProcessWorkloads.TIMER, "timer-2", 10L);
    assertThat(f.client().waitForCompletion("timer-2", DONE).status())
        .isEqualTo(OrchestrationStatus.COMPLETED);
    assertThat(lines(marker))
        .as("A's attempt was cut short by the fencing, B's ran whole, once")
        .containsExactly(
            "start " + a.workerId() + " 1", "start " + b.workerId() + " 2", "end " + b.workerId());
    assertCompletedOnceWithoutDuplicates(f, "slow-1");
  }

  private static List<String> lines(Path file) throws IOException {
    return Files.exists(file) ? Files.readAllLines(file) : List.of();
  }
}
