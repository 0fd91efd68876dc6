package dev.toygres.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toygres.engine.OrchestrationStatus;
import dev.toygres.engine.client.DurableClient;
import dev.toygres.engine.client.OrchestrationAlreadyExistsException;
import dev.toygres.engine.worker.Registry;
import dev.toygres.testkit.EngineExtension;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A start written on the caller's connection: it commits, and runs, with the caller's own writes,
 * and a rollback leaves nothing of either.
 */
class TransactionalStartIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  @RegisterExtension static final EngineExtension f = EngineExtension.perClass();
  private static DurableClient client;

  @BeforeAll
  static void start() {
    client = f.client();
    f.sql("CREATE TABLE IF NOT EXISTS public.intents (id text PRIMARY KEY)");
    f.startWorker(Registry.builder().orchestration("echo", String.class, (ctx, in) -> in).build());
  }

  @Test
  void aStartCommitsAndRunsWithTheCallersWrite() throws Exception {
    try (Connection c = f.pool().getConnection()) {
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        st.executeUpdate("INSERT INTO public.intents VALUES ('kept')");
      }
      client.start(c, "echo", "tx-kept", "hello");
      assertThat(client.getInstance("tx-kept")).as("invisible before the commit").isEmpty();
      c.commit();
      c.setAutoCommit(true);
    }

    assertThat(client.waitForCompletion("tx-kept", WAIT).status())
        .isEqualTo(OrchestrationStatus.COMPLETED);
    assertThat(f.count("SELECT count(*) FROM public.intents WHERE id = 'kept'")).isEqualTo(1);
  }

  @Test
  void aRollbackLeavesNeitherTheCallersWriteNorTheOrchestration() throws Exception {
    try (Connection c = f.pool().getConnection()) {
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        st.executeUpdate("INSERT INTO public.intents VALUES ('dropped')");
      }
      client.start(c, "echo", "tx-dropped", "hello");
      c.rollback();
      c.setAutoCommit(true);
    }

    assertThat(client.getInstance("tx-dropped")).isEmpty();
    assertThat(f.count("SELECT count(*) FROM public.intents WHERE id = 'dropped'")).isZero();
    assertThat(
            f.count(
                "SELECT count(*) FROM "
                    + f.schema()
                    + ".orchestrator_queue WHERE instance_id = 'tx-dropped'"))
        .isZero();
  }

  @Test
  void aConnectionInAutoCommitModeIsRefusedBeforeAnythingIsWritten() throws Exception {
    try (Connection c = f.pool().getConnection()) {
      assertThatThrownBy(() -> client.start(c, "echo", "tx-auto", "hello"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("auto-commit");
    }

    assertThat(client.getInstance("tx-auto")).isEmpty();
  }

  @Test
  void aTakenIdIsRefusedOnTheCallersConnection() throws Exception {
    client.start("echo", "tx-taken", "first");
    try (Connection c = f.pool().getConnection()) {
      c.setAutoCommit(false);
      assertThatThrownBy(() -> client.start(c, "echo", "tx-taken", "second"))
          .isInstanceOf(OrchestrationAlreadyExistsException.class)
          .hasMessageContaining("tx-taken");
      c.rollback();
      c.setAutoCommit(true);
    }
  }
}
