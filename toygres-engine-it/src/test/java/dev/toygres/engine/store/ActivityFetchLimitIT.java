package dev.toygres.engine.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.toygres.engine.store.internal.ActivityWorkItem;
import dev.toygres.engine.store.internal.WorkQueues;
import dev.toygres.testkit.EngineExtension;
import dev.toygres.testkit.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A fetch never leases more activity work items than asked for, even while other fetches, lease
 * renewals and completions run at the same time: a worker has exactly that many free slots, and an
 * item leased beyond them would never run while its lease is renewed forever.
 */
class ActivityFetchLimitIT {
  private static final int ITEMS = 3000;
  private static final int MAX = 4;
  @RegisterExtension final EngineExtension f = EngineExtension.perMethod().withPoolSize(16);

  @BeforeEach
  void setUp() {
    f.sql(
        "INSERT INTO {s}.activity_queue (instance_id, execution_id, task_id, name, input)"
            + " SELECT 'i' || g, 1, 1, 'x', '1' FROM generate_series(1, "
            + ITEMS
            + ") g");
  }

  /**
   * The plan that leased 990 items for a fetch of at most 32 in the fleet benchmark: a nested loop
   * that scans the queue and rescans the LIMIT subquery for every row; rows updated by the
   * statement itself are skipped by the rescans, which then return the next ones, and so on.
   */
  @Test
  void aFetchLeasesAtMostMaxWhateverPlanPostgresChooses() {
    HikariConfig cfg = new HikariConfig();
    cfg.setJdbcUrl(TestDatabase.jdbcUrl());
    cfg.setUsername(TestDatabase.user());
    cfg.setPassword(TestDatabase.password());
    cfg.setMaximumPoolSize(2);
    cfg.setConnectionInitSql(
        "SET enable_hashjoin = off; SET enable_hashagg = off; SET enable_material = off;"
            + " SET enable_mergejoin = off; SET enable_sort = off");
    try (HikariDataSource nestedLoops = new HikariDataSource(cfg)) {
      WorkQueues store = new WorkQueues(nestedLoops, f.schema());
      List<ActivityWorkItem> items = store.fetchActivityWorkItems("w", MAX, Duration.ofSeconds(60));
      assertThat(items).hasSize(MAX);
      assertThat(f.count("SELECT count(*) FROM {s}.activity_queue WHERE lock_token IS NOT NULL"))
          .isEqualTo(MAX);
    }
  }

  @Test
  void concurrentFetchesWithCompletionsAndRenewalsLeaseAtMostMaxEach() throws Exception {
    WorkQueues store = WorkQueues.of(f.store());
    Set<Long> leased = ConcurrentHashMap.newKeySet();
    Set<java.util.UUID> tokens = ConcurrentHashMap.newKeySet();
    AtomicInteger largest = new AtomicInteger();
    AtomicInteger duplicates = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> work = new java.util.ArrayList<>();
      for (int t = 0; t < 6; t++) {
        work.add(
            pool.submit(
                () -> {
                  while (true) {
                    List<ActivityWorkItem> items =
                        store.fetchActivityWorkItems("w", MAX, Duration.ofSeconds(60));
                    if (items.isEmpty()) {
                      return null;
                    }
                    largest.accumulateAndGet(items.size(), Math::max);
                    for (ActivityWorkItem item : items) {
                      if (!leased.add(item.id())) {
                        duplicates.incrementAndGet();
                      }
                    }
                    tokens.add(items.get(0).lockToken());
                    // complete half of them at once, as the completion writer does
                    f.sql(
                        "DELETE FROM {s}.activity_queue WHERE id = "
                            + items.get(0).id()
                            + " AND lock_token = '"
                            + items.get(0).lockToken()
                            + "'");
                  }
                }));
      }
      Future<?> renewals =
          pool.submit(
              () -> {
                while (leased.size() < ITEMS) {
                  store.renewLeases(Map.of(), List.copyOf(tokens), Duration.ofSeconds(60));
                }
                return null;
              });
      for (Future<?> w : work) {
        w.get(2, TimeUnit.MINUTES);
      }
      renewals.get(2, TimeUnit.MINUTES);
    } finally {
      pool.shutdownNow();
    }
    assertThat(largest.get()).as("largest batch").isLessThanOrEqualTo(MAX);
    assertThat(duplicates.get()).as("items leased twice").isZero();
    assertThat(leased).hasSize(ITEMS);
  }
}
