package dev.toygres.controlplane.dataplane;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the end of an instance server's log without loading the whole file, and keeps the log under
 * a size cap. The server appends to its log through a descriptor opened in append mode, so the file
 * can be copied aside and truncated under it (logrotate's {@code copytruncate}): its next write
 * lands at the new end.
 */
final class LogFiles {
  /** The most bytes one read returns, whatever the number of lines asked for. */
  static final int MAX_READ_BYTES = 4 << 20;

  /** A log is rotated once it grows past this size. */
  static final long MAX_LOG_BYTES = 10L << 20;

  /** Rotated logs kept: {@code postgres.log.1} (the newer) and {@code postgres.log.2}. */
  static final int KEPT_ROTATIONS = 2;

  private static final int CHUNK = 64 * 1024;

  private LogFiles() {}

  /** Complete lines read from a log, and the offset just after the last of them. */
  record Chunk(List<String> lines, long end) {}

  /**
   * The last {@code max} complete lines of {@code file} that start at or after byte {@code from}
   * (at most {@link #MAX_READ_BYTES}; a line cut by that cap is dropped). A line still being
   * written (no line end yet) is left for the next read. {@code from} beyond the end (the log was
   * rotated since) reads from the start. A missing file has no lines and ends at 0.
   */
  static Chunk tail(Path file, int max, long from) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      long size = raf.length();
      long floor = from > size || from < 0 ? 0 : from;
      long end = lastLineEnd(raf, floor, size);
      if (max <= 0 || end <= floor) {
        return new Chunk(List.of(), end);
      }
      long lowest = Math.max(floor, end - MAX_READ_BYTES);
      long start = startOfLastLines(raf, lowest, end, max);
      if (start == lowest && start > floor && !newlineBefore(raf, start)) {
        start = afterNextNewline(raf, start, end);
      }
      byte[] bytes = new byte[(int) (end - start)];
      raf.seek(start);
      raf.readFully(bytes);
      List<String> lines = new ArrayList<>();
      int lineStart = 0;
      for (int i = 0; i < bytes.length; i++) {
        if (bytes[i] == '\n') {
          lines.add(new String(bytes, lineStart, i - lineStart, StandardCharsets.UTF_8));
          lineStart = i + 1;
        }
      }
      return new Chunk(lines, end);
    } catch (java.io.FileNotFoundException | NoSuchFileException e) {
      if (Files.exists(file)) {
        throw e;
      }
      return new Chunk(List.of(), 0);
    }
  }

  /**
   * Copies {@code file} to {@code file.1} (shifting older copies up to {@link #KEPT_ROTATIONS},
   * dropping the oldest) and truncates it, if it is larger than {@code maxBytes}. Lines the server
   * writes between the copy and the truncation are lost, as with {@code copytruncate}. One rotation
   * at a time in this process, so two readers cannot both rotate the same log.
   *
   * @return whether it rotated
   */
  static synchronized boolean rotate(Path file, long maxBytes) throws IOException {
    if (!Files.isRegularFile(file) || Files.size(file) <= maxBytes) {
      return false;
    }
    for (int i = KEPT_ROTATIONS; i > 1; i--) {
      Path older = rotated(file, i - 1);
      if (Files.exists(older)) {
        Files.move(older, rotated(file, i), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    Files.copy(
        file,
        rotated(file, 1),
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.COPY_ATTRIBUTES);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(0);
    }
    return true;
  }

  /** {@code file.n}. */
  static Path rotated(Path file, int n) {
    return file.resolveSibling(file.getFileName() + "." + n);
  }

  /** The offset just after the last line end in {@code [floor, size)}, or {@code floor}. */
  private static long lastLineEnd(RandomAccessFile raf, long floor, long size) throws IOException {
    long pos = size;
    byte[] buf = new byte[CHUNK];
    while (pos > floor) {
      int n = (int) Math.min(CHUNK, pos - floor);
      raf.seek(pos - n);
      raf.readFully(buf, 0, n);
      for (int i = n - 1; i >= 0; i--) {
        if (buf[i] == '\n') {
          return pos - n + i + 1;
        }
      }
      pos -= n;
      if (size - pos > MAX_READ_BYTES) {
        return floor;
      }
    }
    return floor;
  }

  /** Where the last {@code max} lines before {@code end} start, not below {@code lowest}. */
  private static long startOfLastLines(RandomAccessFile raf, long lowest, long end, int max)
      throws IOException {
    long pos = end - 1; // the line end of the last line is not a boundary to count
    int found = 0;
    byte[] buf = new byte[CHUNK];
    while (pos > lowest) {
      int n = (int) Math.min(CHUNK, pos - lowest);
      raf.seek(pos - n);
      raf.readFully(buf, 0, n);
      for (int i = n - 1; i >= 0; i--) {
        if (buf[i] == '\n' && ++found == max) {
          return pos - n + i + 1;
        }
      }
      pos -= n;
    }
    return lowest;
  }

  private static boolean newlineBefore(RandomAccessFile raf, long pos) throws IOException {
    raf.seek(pos - 1);
    return raf.read() == '\n';
  }

  private static long afterNextNewline(RandomAccessFile raf, long pos, long end)
      throws IOException {
    raf.seek(pos);
    for (long p = pos; p < end; p++) {
      if (raf.read() == '\n') {
        return p + 1;
      }
    }
    return end;
  }
}
