package dev.toygres.postgres.internal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** Reads the last lines of a (possibly large) log file. */
final class LogTail {

  private static final int MAX_BYTES = 16 * 1024;

  private LogTail() {}

  /**
   * The last {@code lines} lines of {@code file} after byte offset {@code from}, or a note if
   * unreadable.
   */
  static String tail(Path file, long from, int lines) {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      long start = Math.max(from, raf.length() - MAX_BYTES);
      byte[] bytes = new byte[(int) Math.max(0, raf.length() - start)];
      raf.seek(start);
      raf.readFully(bytes);
      List<String> all = Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split("\n"));
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(log " + file + " unreadable: " + e.getMessage() + ")";
    }
  }

  /** The current size of {@code file}, 0 if it does not exist. */
  static long size(Path file) {
    return file.toFile().length();
  }
}
