package dev.toygres.engine.process;

import static dev.toygres.engine.process.HistoryChecks.duplicatedStepsInSchema;
import static dev.toygres.engine.process.HistoryChecks.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.toygres.engine.process.ProcessWorkloads.FanOut;
import dev.toygres.testkit.EngineExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Several worker processes sharing one database and hundreds of orchestrations. */
class WorkerScaleIT {
  /** Long enough that no lease expires under load: without crashes every activity runs once. */
  private static final Duration LEASE = Duration.ofSeconds(30);

  @RegisterExtension final WorkerProcesses workers = new WorkerProcesses();
  @TempDir Path dir;
  @RegisterExtension final EngineExtension f = EngineExtension.perMethod().withPoolSize(8);

  @BeforeEach
  void setUp() {
    f.sql(ProcessWorkloads.workLogDdl());
  }

  @AfterEach
  void tearDown() throws Exception {
    workers.killAll();
  }

  @Test
  void twoWorkerProcessesShareSixHundredFanOutsAndCompleteEachExactlyOnce() throws Exception {
    List<WorkerProcess> ws =
        workers.startAll(List.of(f.schema() + "-a", f.schema() + "-b"), f.schema(), dir, LEASE);
    int instances = 600;
    Map<String, Integer> expected = new HashMap<>();
    int totalTasks = 0;
    for (int i = 0; i < instances; i++) {
      int n = 3 + i % 3;
      f.client().start(ProcessWorkloads.FAN_OUT, "scale-" + i, new FanOut(n, 0));
      expected.put("scale-" + i, n * (n - 1) / 2);
      totalTasks += n;
    }

    await()
        .atMost(Duration.ofSeconds(150))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () ->
                f.count("SELECT count(*) FROM {s}.instances WHERE status <> 'running'")
                    == instances);

    Map<String, String> outputs = new HashMap<>();
    rows(f, "SELECT instance_id || '=' || status || ':' || output FROM {s}.instances", s -> s)
        .forEach(r -> outputs.put(r.substring(0, r.indexOf('=')), r.substring(r.indexOf('=') + 1)));
    Map<String, String> wanted = new HashMap<>();
    expected.forEach((id, sum) -> wanted.put(id, "completed:" + sum));
    assertThat(outputs).isEqualTo(wanted);
    assertThat(duplicatedStepsInSchema(f))
        .as("steps stored twice, or instances not completed once")
        .isEmpty();
    assertThat(f.count("SELECT count(*) FROM {s}.work_log"))
        .as("activity runs")
        .isEqualTo(totalTasks);
    assertThat(f.count("SELECT count(DISTINCT (instance_id, task_id)) FROM {s}.work_log"))
        .as("distinct activities run")
        .isEqualTo(totalTasks);
    for (WorkerProcess w : ws) {
      assertThat(
              f.count("SELECT count(*) FROM {s}.work_log WHERE worker_id = '" + w.workerId() + "'"))
          .as("activities run by %s", w.workerId())
          .isPositive();
    }
    assertThat(f.count("SELECT count(*) FROM {s}.activity_queue")).as("activities left").isZero();
    assertThat(f.count("SELECT count(*) FROM {s}.orchestrator_queue")).as("messages left").isZero();
  }
}
