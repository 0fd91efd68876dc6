package dev.toygres.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BinaryCacheTest {

  @Test
  void extractsOnceEvenWhenAskedConcurrently(@TempDir Path root) throws Exception {
    byte[] txz = new TestArchives().dir("bin").file("bin/postgres", 0755, "x").build();
    AtomicInteger opened = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Path>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        results.add(
            pool.submit(
                () ->
                    BinaryCache.ensureExtracted(
                        root,
                        "1.0-test",
                        () -> {
                          opened.incrementAndGet();
                          return new ByteArrayInputStream(txz);
                        })));
      }
      for (Future<Path> result : results) {
        assertThat(result.get()).isEqualTo(root.resolve("1.0-test"));
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(opened).hasValue(1);
    assertThat(Files.isExecutable(root.resolve("1.0-test/bin/postgres"))).isTrue();
    try (Stream<Path> leftovers = Files.list(root)) {
      assertThat(leftovers.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.contains(".tmp-"));
    }
  }

  @Test
  void replacesAnIncompleteDirectory(@TempDir Path root) throws Exception {
    Files.createDirectories(root.resolve("2.0-test/share"));
    byte[] txz = new TestArchives().dir("bin").file("bin/initdb", 0755, "x").build();
    Path dir = BinaryCache.ensureExtracted(root, "2.0-test", () -> new ByteArrayInputStream(txz));
    assertThat(dir.resolve("bin/initdb")).exists();
    assertThat(dir.resolve("share")).doesNotExist();
  }
}
