package dev.toygres.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.client.DurableClient;
import dev.toygres.engine.client.ExecutionInfo;
import dev.toygres.engine.client.OrchestrationAlreadyExistsException;
import dev.toygres.engine.worker.Registry;
import dev.toygres.testkit.EngineExtension;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code DurableClient.startAll}: many starts written on the caller's connection commit, and run,
 * with the caller's own writes, each as a single start would have started it; a rollback leaves
 * nothing of any; a taken id is refused by name.
 */
class BatchStartIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  @RegisterExtension static final EngineExtension f = EngineExtension.perClass();
  private static DurableClient client;

  @BeforeAll
  static void start() {
    client = f.client();
    f.sql("CREATE TABLE IF NOT EXISTS public.batch_intents (id text PRIMARY KEY)");
    f.startWorker(
        Registry.builder()
            .orchestration("echo", String.class, (ctx, in) -> in + " from " + ctx.instanceId())
            .build());
  }

  private static Map<String, String> inputs(String prefix, int n) {
    Map<String, String> in = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      in.put(prefix + "-" + i, "input " + i);
    }
    return in;
  }

  @Test
  void everyStartCommitsAndRunsWithTheCallersWriteAndItsOwnInput() throws Exception {
    Map<String, String> in = inputs("batch-kept", 40);
    try (Connection c = f.pool().getConnection()) {
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        st.executeUpdate("INSERT INTO public.batch_intents VALUES ('kept')");
      }
      client.startAll(c, "echo", in);
      assertThat(client.getInstances(in.keySet())).as("invisible before the commit").isEmpty();
      c.commit();
      c.setAutoCommit(true);
    }

    for (Map.Entry<String, String> e : in.entrySet()) {
      var done = client.waitForCompletion(e.getKey(), WAIT);
      assertThat(done.status()).isEqualTo(OrchestrationStatus.COMPLETED);
      assertThat(done.output()).isEqualTo("\"" + e.getValue() + " from " + e.getKey() + "\"");
    }
    assertThat(f.count("SELECT count(*) FROM public.batch_intents WHERE id = 'kept'")).isEqualTo(1);
  }

  @Test
  void aBatchStartWritesWhatASingleStartWrites() throws Exception {
    client.start("echo", "single-twin", "same input");
    try (Connection c = f.pool().getConnection()) {
      c.setAutoCommit(false);
      client.startAll(c, "echo", Map.of("batch-twin", "same input"));
      c.commit();
      c.setAutoCommit(true);
    }
    client.waitForCompletion("single-twin", WAIT);
    client.waitForCompletion("batch-twin", WAIT);

    var single = client.getInstance("single-twin").orElseThrow();
    var batch = client.getInstance("batch-twin").orElseThrow();
    assertThat(batch.name()).isEqualTo(single.name());
    assertThat(batch.version()).isEqualTo(single.version());
    assertThat(batch.executionId()).isEqualTo(single.executionId());
    // The start writes the first event; the worker's step then writes the rest (with its time).
    var batchHistory = client.getHistory("batch-twin", 1);
    var singleHistory = client.getHistory("single-twin", 1);
    assertThat(batchHistory.get(0).event()).isEqualTo(singleHistory.get(0).event());
    assertThat(batchHistory.stream().map(r -> r.sequence() + " " + r.event().kind()))
        .containsExactlyElementsOf(
            singleHistory.stream().map(r -> r.sequence() + " " + r.event().kind()).toList());
    List<ExecutionInfo> executions = client.listExecutions("batch-twin");
    assertThat(executions).hasSize(1);
    assertThat(executions.get(0).input())
        .isEqualTo(client.listExecutions("single-twin").get(0).input());
  }

  @Test
  void aRollbackLeavesNoneOfTheStarts() throws Exception {
    Map<String, String> in = inputs("batch-dropped", 10);
    try (Connection c = f.pool().getConnection()) {
      c.setAutoCommit(false);
      client.startAll(c, "echo", in);
      c.rollback();
      c.setAutoCommit(true);
    }

    assertThat(client.getInstances(in.keySet())).isEmpty();
    assertThat(
            f.count(
                "SELECT count(*) FROM "
                    + f.schema()
                    + ".orchestrator_queue WHERE instance_id LIKE 'batch-dropped-%'"))
        .isZero();
    assertThat(
            f.count(
                "SELECT count(*) FROM "
                    + f.schema()
                    + ".history WHERE instance_id LIKE 'batch-dropped-%'"))
        .isZero();
  }

  @Test
  void aTakenIdIsRefusedByNameAndTheRollbackLeavesTheOthersUnstarted() throws Exception {
    client.start("echo", "batch-taken-1", "first");
    client.waitForCompletion("batch-taken-1", WAIT);
    Map<String, String> in = inputs("batch-taken", 3);
    try (Connection c = f.pool().getConnection()) {
      c.setAutoCommit(false);
      assertThatThrownBy(() -> client.startAll(c, "echo", in))
          .isInstanceOf(OrchestrationAlreadyExistsException.class)
          .hasMessageContaining("'batch-taken-1'")
          .extracting(e -> ((OrchestrationAlreadyExistsException) e).instanceId())
          .isEqualTo("batch-taken-1");
      c.rollback();
      c.setAutoCommit(true);
    }

    assertThat(client.getInstances(in.keySet())).containsOnlyKeys("batch-taken-1");
    assertThat(client.getInstance("batch-taken-1").orElseThrow().output())
        .isEqualTo("\"first from batch-taken-1\"");
  }

  @Test
  void aConnectionInAutoCommitModeIsRefusedBeforeAnythingIsWritten() throws Exception {
    try (Connection c = f.pool().getConnection()) {
      assertThatThrownBy(() -> client.startAll(c, "echo", Map.of("batch-auto", "x")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("auto-commit");
    }

    assertThat(client.getInstance("batch-auto")).isEmpty();
  }
}
