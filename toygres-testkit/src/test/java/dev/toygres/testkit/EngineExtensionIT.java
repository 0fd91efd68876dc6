package dev.toygres.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.toygres.engine.worker.Registry;
import dev.toygres.testkit.EngineExtension.InstanceHistories;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The engine extension seen from a test class that uses it: example classes (nested, so failsafe
 * does not run them itself) are run through the JUnit launcher.
 */
class EngineExtensionIT {
  /** A class whose one test runs an orchestration to the end and then fails. */
  static class FailingAfterAnOrchestration {
    @RegisterExtension
    static final EngineExtension engine = EngineExtension.perClass().withPoolSize(4);

    static String schema;

    @Test
    void failsOnPurpose() throws Exception {
      schema = engine.schema();
      engine.startWorker(
          Registry.builder()
              .activity("twice", Integer.class, (ctx, n) -> n * 2)
              .orchestration(
                  "double",
                  Integer.class,
                  (ctx, n) -> ctx.callActivity("twice", n, Integer.class).await())
              .build());
      engine.client().start("double", "report-me", 21);
      engine.client().waitForCompletion("report-me", Duration.ofSeconds(30));
      throw new AssertionError("deliberate failure");
    }
  }

  /** Two tests, each noting the schema it was given. */
  static class TwoTestsPerMethod {
    static final List<String> SCHEMAS = new ArrayList<>();

    @RegisterExtension final EngineExtension engine = EngineExtension.perMethod().withPoolSize(4);

    @Test
    void first() {
      SCHEMAS.add(engine.schema());
    }

    @Test
    void second() {
      SCHEMAS.add(engine.schema());
    }
  }

  private static TestExecutionSummary run(Class<?> example) {
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    LauncherFactory.create()
        .execute(
            LauncherDiscoveryRequestBuilder.request().selectors(selectClass(example)).build(),
            listener);
    return listener.getSummary();
  }

  private static boolean schemaExists(String schema) throws Exception {
    try (var pool = TestDatabase.pool(1);
        Connection c = pool.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT count(*) FROM pg_namespace WHERE nspname = ?")) {
      ps.setString(1, schema);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1) > 0;
      }
    }
  }

  @Test
  void failingTestCarriesTheHistoriesOfTheInstancesItTouched() throws Exception {
    TestExecutionSummary summary = run(FailingAfterAnOrchestration.class);

    assertThat(summary.getTestsFailedCount()).isEqualTo(1);
    Throwable failure = summary.getFailures().get(0).getException();
    assertThat(failure).hasMessage("deliberate failure");
    assertThat(Arrays.asList(failure.getSuppressed()))
        .singleElement()
        .isInstanceOf(InstanceHistories.class)
        .extracting(Throwable::getMessage)
        .asString()
        .contains("instance report-me (double, COMPLETED, output 42)")
        .contains(
            "{\"type\":\"ActivityScheduled\",\"taskId\":0,\"name\":\"twice\",\"input\":\"21\"}")
        .contains("{\"type\":\"ExecutionCompleted\",\"output\":\"42\"}");
  }

  @Test
  void perClassSchemaIsDroppedAfterTheClass() throws Exception {
    run(FailingAfterAnOrchestration.class);

    assertThat(FailingAfterAnOrchestration.schema).startsWith("t_");
    assertThat(schemaExists(FailingAfterAnOrchestration.schema)).isFalse();
  }

  @Test
  void perMethodExtensionGivesEachTestAFreshSchemaAndDropsIt() throws Exception {
    TwoTestsPerMethod.SCHEMAS.clear();

    TestExecutionSummary summary = run(TwoTestsPerMethod.class);

    assertThat(summary.getTestsSucceededCount())
        .as("%s", summary.getFailures().stream().map(f -> f.getException()).toList())
        .isEqualTo(2);

    assertThat(TwoTestsPerMethod.SCHEMAS).hasSize(2).doesNotHaveDuplicates();
    for (String schema : TwoTestsPerMethod.SCHEMAS) {
      assertThat(schemaExists(schema)).as(schema).isFalse();
    }
  }

  @Test
  void freshDatabaseIsEmptyAndDroppedOnClose() throws Exception {
    String name;
    try (TestDatabase.Fresh db = TestDatabase.freshDatabase(1);
        Connection c = db.pool().getConnection();
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN"
                        + " ('pg_catalog', 'information_schema')")) {
      name = db.name();
      rs.next();
      assertThat(rs.getInt(1)).isZero();
    }
    try (var pool = TestDatabase.pool(1);
        Connection c = pool.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT count(*) FROM pg_database WHERE datname = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        assertThat(rs.getInt(1)).isZero();
      }
    }
  }
}
