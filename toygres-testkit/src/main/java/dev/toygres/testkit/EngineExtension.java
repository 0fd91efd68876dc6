package dev.toygres.testkit;

import com.zaxxer.hikari.HikariDataSource;
import dev.toygres.engine.client.DurableClient;
import dev.toygres.engine.store.PostgresStore;
import dev.toygres.engine.worker.DurableWorker;
import dev.toygres.engine.worker.Registry;
import dev.toygres.engine.worker.WorkerOptions;
import java.time.Instant;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * A fresh engine schema for a test class or for each test method, as a JUnit 5 extension:
 *
 * <pre>{@code
 * @RegisterExtension static final EngineExtension engine = EngineExtension.perClass();
 *
 * @BeforeAll
 * static void startWorker() {
 *   engine.startWorker(registry());
 * }
 *
 * @Test
 * void greetingCompletes() throws Exception {
 *   engine.client().start("greet", "greet-1", "world");
 *   assertThat(engine.client().waitForCompletion("greet-1", Duration.ofSeconds(30)).output())
 *       .isEqualTo("\"hello world\"");
 * }
 * }</pre>
 *
 * <p>The schema, its store and client are made on first use (an {@link EngineFixture} on the {@link
 * TestDatabase}); workers run only when the test starts them. After the class ({@link #perClass()},
 * registered on a static field) or after each test ({@link #perMethod()}, on an instance field) the
 * workers are stopped and the schema is dropped.
 *
 * <p>When a test method fails, the instances it created or updated in the schema, with the history
 * of each execution, are printed to standard error and attached to the failure as a suppressed
 * {@link InstanceHistories}, so a CI log shows what the orchestrations did.
 */
public final class EngineExtension
    implements TestEngine,
        BeforeAllCallback,
        AfterAllCallback,
        BeforeEachCallback,
        AfterEachCallback,
        BeforeTestExecutionCallback,
        TestExecutionExceptionHandler {

  private final boolean perClass;
  private final int poolSize;
  private boolean active;
  private EngineFixture fixture;
  private Instant testStarted = Instant.EPOCH;

  private EngineExtension(boolean perClass, int poolSize) {
    this.perClass = perClass;
    this.poolSize = poolSize;
  }

  /**
   * One schema for the whole test class; register it on a {@code static} field.
   *
   * @return the extension, with a pool of {@value EngineFixture#DEFAULT_POOL_SIZE} connections
   */
  public static EngineExtension perClass() {
    return new EngineExtension(true, EngineFixture.DEFAULT_POOL_SIZE);
  }

  /**
   * A new schema for each test method; register it on an instance field.
   *
   * @return the extension, with a pool of {@value EngineFixture#DEFAULT_POOL_SIZE} connections
   */
  public static EngineExtension perMethod() {
    return new EngineExtension(false, EngineFixture.DEFAULT_POOL_SIZE);
  }

  /**
   * The same extension with another pool size (shared by the store and the workers).
   *
   * @param size the pool's maximum size, at least {@value EngineFixture#MIN_POOL_SIZE}
   * @return a new extension
   */
  public EngineExtension withPoolSize(int size) {
    if (size < EngineFixture.MIN_POOL_SIZE) {
      throw new IllegalArgumentException(
          "the pool must hold at least " + EngineFixture.MIN_POOL_SIZE + " connections");
    }
    return new EngineExtension(perClass, size);
  }

  /**
   * The fixture of the current class or test, made on first use.
   *
   * @return the fixture
   * @throws IllegalStateException outside the scope the extension manages
   */
  public synchronized EngineFixture fixture() {
    if (!active) {
      throw new IllegalStateException(
          "the engine schema is only available while "
              + (perClass ? "the test class" : "a test method")
              + " runs");
    }
    if (fixture == null) {
      fixture = new EngineFixture(poolSize);
    }
    return fixture;
  }

  @Override
  public PostgresStore store() {
    return fixture().store();
  }

  @Override
  public DurableClient client() {
    return fixture().client();
  }

  @Override
  public HikariDataSource pool() {
    return fixture().pool();
  }

  @Override
  public String schema() {
    return fixture().schema();
  }

  @Override
  public DurableWorker startWorker(Registry registry) {
    return fixture().startWorker(registry);
  }

  @Override
  public DurableWorker startWorker(Registry registry, WorkerOptions options) {
    return fixture().startWorker(registry, options);
  }

  @Override
  public void sql(String sql) {
    fixture().sql(sql);
  }

  @Override
  public long count(String sql) {
    return fixture().count(sql);
  }

  @Override
  public synchronized void beforeAll(ExtensionContext context) {
    if (perClass) {
      active = true;
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (perClass) {
      end();
    }
  }

  @Override
  public synchronized void beforeEach(ExtensionContext context) {
    if (perClass && !active) {
      throw new ExtensionConfigurationException(
          "EngineExtension.perClass() must be registered on a static field");
    }
    if (!perClass) {
      active = true;
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (!perClass) {
      end();
    }
  }

  @Override
  public synchronized void beforeTestExecution(ExtensionContext context) {
    testStarted = fixture == null ? Instant.EPOCH : fixture.databaseNow();
  }

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable failure)
      throws Throwable {
    EngineFixture f;
    synchronized (this) {
      f = fixture;
    }
    if (f != null) {
      String report = f.historiesSince(testStarted);
      System.err.println(context.getDisplayName() + " failed; " + report);
      failure.addSuppressed(new InstanceHistories(report));
    }
    throw failure;
  }

  private void end() {
    EngineFixture f;
    synchronized (this) {
      f = fixture;
      fixture = null;
      active = false;
    }
    if (f != null) {
      f.close();
    }
  }

  /**
   * Attached to a failing test's exception: the instances it touched and their histories (see
   * {@link EngineFixture#historiesSince}). Carries no stack trace of its own.
   */
  public static final class InstanceHistories extends RuntimeException {
    InstanceHistories(String report) {
      super(report, null, false, false);
    }
  }
}
