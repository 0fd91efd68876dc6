package dev.toygres.engine.process;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.toygres.engine.store.PostgresStore;
import dev.toygres.engine.worker.DurableWorker;
import dev.toygres.engine.worker.WorkerOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A worker process for the process-level tests: starts a {@link DurableWorker} with the {@link
 * ProcessWorkloads} on an existing (migrated) schema, prints {@value #READY} and runs until it is
 * killed. Arguments are {@code key=value}: {@code url}, {@code schema}, {@code worker}, {@code
 * dir}, {@code leaseMs}, {@code affinityMs} (step affinity, default 0); the database user and
 * password come from {@code WORKER_DB_USER} and {@code WORKER_DB_PASSWORD}.
 *
 * <p>It never outlives the test JVM: it exits when its stdin (a pipe from the test JVM) closes, and
 * after {@code maxLifeMs} in any case.
 */
public final class WorkerMain {
  public static final String READY = "WORKER-READY";

  private WorkerMain() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      a.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    String workerId = a.get("worker");
    exitWhenParentGoes(Long.parseLong(a.getOrDefault("maxLifeMs", "600000")));

    HikariConfig cfg = new HikariConfig();
    cfg.setJdbcUrl(a.get("url"));
    cfg.setUsername(System.getenv().getOrDefault("WORKER_DB_USER", "postgres"));
    cfg.setPassword(System.getenv().getOrDefault("WORKER_DB_PASSWORD", ""));
    cfg.setMaximumPoolSize(12);
    cfg.setMinimumIdle(2);
    cfg.setPoolName("worker-" + workerId);
    HikariDataSource pool = new HikariDataSource(cfg);
    String schema = a.get("schema");
    PostgresStore store = new PostgresStore(pool, schema);
    WorkerOptions options =
        WorkerOptions.defaults()
            .withWorkerId(workerId)
            .withDispatchers(2, 2)
            .withMaxConcurrentActivities(16)
            .withLease(Duration.ofMillis(Long.parseLong(a.getOrDefault("leaseMs", "2000"))))
            .withPollInterval(Duration.ofMillis(100))
            .withShutdownTimeout(Duration.ofSeconds(1))
            .withStepAffinity(Duration.ofMillis(Long.parseLong(a.getOrDefault("affinityMs", "0"))));
    DurableWorker.start(
        store, ProcessWorkloads.registry(workerId, pool, schema, Path.of(a.get("dir"))), options);
    System.out.println(READY + " " + workerId + " pid " + ProcessHandle.current().pid());
    System.out.flush();
    Thread.currentThread().join();
  }

  private static void exitWhenParentGoes(long maxLifeMs) {
    Thread stdin =
        new Thread(
            () -> {
              try {
                while (System.in.read() >= 0) {
                  // the test JVM never writes; EOF means it is gone
                }
              } catch (IOException e) {
                // same as EOF
              }
              Runtime.getRuntime().halt(3);
            },
            "parent-watch");
    stdin.setDaemon(true);
    stdin.start();
    Thread lifetime =
        new Thread(
            () -> {
              try {
                Thread.sleep(maxLifeMs);
              } catch (InterruptedException e) {
                return;
              }
              System.err.println("worker lived " + maxLifeMs + " ms; exiting");
              Runtime.getRuntime().halt(4);
            },
            "lifetime");
    lifetime.setDaemon(true);
    lifetime.start();
  }
}
