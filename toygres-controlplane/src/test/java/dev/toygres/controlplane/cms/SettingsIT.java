package dev.toygres.controlplane.cms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toygres.testkit.TestDatabase;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SettingsIT {
  private static TestDatabase.Fresh db;
  private static Settings settings;

  @BeforeAll
  static void migrate() {
    db = TestDatabase.freshDatabase(8);
    new CmsStore(db.pool()).migrate();
    settings = new Settings(db.pool());
  }

  @AfterAll
  static void drop() {
    if (db != null) {
      db.close();
    }
  }

  @Test
  void aValueIsWrittenOnceAndNeverOverwritten() {
    assertThat(settings.get("once")).isEmpty();

    assertThat(settings.putIfAbsent("once", "first")).isEqualTo("first");
    assertThat(settings.putIfAbsent("once", "second")).isEqualTo("first");
    assertThat(settings.get("once")).contains("first");
  }

  @Test
  void serversWritingAtOnceAllGetTheSameValue() {
    ExecutorService threads = Executors.newFixedThreadPool(6);
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<String>> writers =
        IntStream.range(0, 6)
            .mapToObj(
                i ->
                    CompletableFuture.supplyAsync(
                        () -> {
                          try {
                            go.await();
                          } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                          }
                          return settings.putIfAbsent("raced", "server-" + i);
                        },
                        threads))
            .toList();
    go.countDown();

    List<String> seen = writers.stream().map(CompletableFuture::join).distinct().toList();
    threads.shutdown();

    assertThat(seen).hasSize(1);
    assertThat(settings.get("raced")).contains(seen.get(0));
  }
}
