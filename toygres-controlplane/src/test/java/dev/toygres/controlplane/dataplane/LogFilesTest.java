package dev.toygres.controlplane.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogFilesTest {
  @TempDir Path dir;

  private Path log(String content) throws IOException {
    return Files.writeString(dir.resolve("postgres.log"), content, StandardCharsets.UTF_8);
  }

  @Test
  void theLastLinesAreReturnedOldestFirstWithTheOffsetAfterTheLastOne() throws IOException {
    Path f = log("one\ntwo\nthree\nfour\n");

    LogFiles.Chunk c = LogFiles.tail(f, 2, 0);

    assertThat(c.lines()).containsExactly("three", "four");
    assertThat(c.end()).isEqualTo(Files.size(f));
  }

  @Test
  void askingForMoreLinesThanTheLogHasReturnsThemAll() throws IOException {
    Path f = log("one\ntwo\n");

    assertThat(LogFiles.tail(f, 100, 0).lines()).containsExactly("one", "two");
  }

  @Test
  void aLineStillBeingWrittenIsLeftForTheNextRead() throws IOException {
    Path f = log("one\ntwo\nhalf a li");

    LogFiles.Chunk c = LogFiles.tail(f, 10, 0);
    assertThat(c.lines()).containsExactly("one", "two");
    assertThat(c.end()).isEqualTo("one\ntwo\n".length());

    Files.writeString(f, "ne\nthree\n", StandardOpenOption.APPEND);
    assertThat(LogFiles.tail(f, 10, c.end()).lines()).containsExactly("half a line", "three");
  }

  @Test
  void readingAfterAnOffsetReturnsOnlyWhatWasWrittenSince() throws IOException {
    Path f = log("old 1\nold 2\n");
    long end = LogFiles.tail(f, 10, 0).end();

    assertThat(LogFiles.tail(f, 10, end).lines()).isEmpty();
    Files.writeString(f, "new 1\nnew 2\nnew 3\n", StandardOpenOption.APPEND);

    assertThat(LogFiles.tail(f, 10, end).lines()).containsExactly("new 1", "new 2", "new 3");
    assertThat(LogFiles.tail(f, 2, end).lines()).containsExactly("new 2", "new 3");
  }

  @Test
  void anOffsetBeyondTheEndOfARotatedLogReadsItFromTheStart() throws IOException {
    Path f = log("after the rotation\n");

    assertThat(LogFiles.tail(f, 10, 10_000).lines()).containsExactly("after the rotation");
  }

  @Test
  void aMissingLogHasNoLines() throws IOException {
    LogFiles.Chunk c = LogFiles.tail(dir.resolve("none.log"), 10, 0);

    assertThat(c.lines()).isEmpty();
    assertThat(c.end()).isZero();
  }

  @Test
  void aLogLargerThanTheReadCapReturnsOnlyWholeLinesFromItsEnd() throws IOException {
    String line = "x".repeat(999) + "\n"; // 1000 bytes
    int count = LogFiles.MAX_READ_BYTES / 1000 + 500;
    List<String> all = new ArrayList<>();
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < count; i++) {
      String l = String.format("%06d", i) + line.substring(6);
      all.add(l.strip());
      b.append(l);
    }
    Path f = log(b.toString());

    List<String> lines = LogFiles.tail(f, 1_000_000, 0).lines();

    assertThat(lines.size()).isLessThan(count).isGreaterThan(count - 1000);
    assertThat(lines).allSatisfy(l -> assertThat(l).hasSize(999));
    assertThat(lines).isEqualTo(all.subList(count - lines.size(), count));
  }

  @Test
  void aLogOverItsCapIsCopiedAsideAndTruncatedKeepingTwoCopies() throws IOException {
    Path f = log("first\n");
    assertThat(LogFiles.rotate(f, 100)).isFalse();

    Files.writeString(f, "a".repeat(200) + "\n");
    assertThat(LogFiles.rotate(f, 100)).isTrue();
    assertThat(Files.size(f)).isZero();
    assertThat(Files.readString(LogFiles.rotated(f, 1))).startsWith("aaa");

    Files.writeString(f, "b".repeat(200) + "\n");
    assertThat(LogFiles.rotate(f, 100)).isTrue();
    Files.writeString(f, "c".repeat(200) + "\n");
    assertThat(LogFiles.rotate(f, 100)).isTrue();

    assertThat(Files.readString(LogFiles.rotated(f, 1))).startsWith("ccc");
    assertThat(Files.readString(LogFiles.rotated(f, 2))).startsWith("bbb");
    assertThat(LogFiles.rotated(f, 3)).doesNotExist();
  }

  @Test
  void aWriterInAppendModeGoesOnAtTheStartOfTheTruncatedLog() throws IOException {
    Path f = log("x".repeat(500) + "\n");
    try (var out = Files.newOutputStream(f, StandardOpenOption.APPEND)) {
      assertThat(LogFiles.rotate(f, 100)).isTrue();
      out.write("after\n".getBytes(StandardCharsets.UTF_8));
    }

    assertThat(Files.readString(f)).isEqualTo("after\n");
  }

  @Test
  void theRotationThreadsRoundRotatesEveryInstancesOversizedLogAndLeavesSmallOnes()
      throws IOException {
    Path big = Files.createDirectories(dir.resolve("big-abc123")).resolve("postgres.log");
    Path small = Files.createDirectories(dir.resolve("small-abc123")).resolve("postgres.log");
    try (var out = Files.newOutputStream(big)) {
      byte[] mib = ("x".repeat(1023) + "\n").repeat(1024).getBytes(StandardCharsets.UTF_8);
      for (long i = 0; i <= LogFiles.MAX_LOG_BYTES >> 20; i++) {
        out.write(mib);
      }
    }
    Files.writeString(small, "small\n");

    LogRotation.rotateAll(dir);

    assertThat(Files.size(big)).isZero();
    assertThat(Files.size(LogFiles.rotated(big, 1))).isGreaterThan(LogFiles.MAX_LOG_BYTES);
    assertThat(Files.readString(small)).isEqualTo("small\n");
    assertThat(LogFiles.rotated(small, 1)).doesNotExist();
  }
}
