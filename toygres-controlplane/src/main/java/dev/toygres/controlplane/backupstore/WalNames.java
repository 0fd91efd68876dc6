package dev.toygres.controlplane.backupstore;

import java.util.regex.Pattern;

/**
 * Names of archived WAL files: segments ({@code TTTTTTTTLLLLLLLLSSSSSSSS}: timeline, log, segment
 * in hex), {@code .partial} segments, {@code .backup} history files (named after a segment) and
 * timeline {@code .history} files.
 */
public final class WalNames {
  private static final Pattern SEGMENT_BASED =
      Pattern.compile("[0-9A-F]{24}(\\.partial|\\.[0-9A-F]{8}\\.backup)?");
  private static final Pattern HISTORY = Pattern.compile("[0-9A-F]{8}\\.history");

  private WalNames() {}

  /** Whether {@code name} is a WAL file name the archive may hold. */
  public static boolean isWalFile(String name) {
    return SEGMENT_BASED.matcher(name).matches() || HISTORY.matcher(name).matches();
  }

  /** Whether {@code name} is a timeline history file (never pruned). */
  public static boolean isHistory(String name) {
    return HISTORY.matcher(name).matches();
  }

  /**
   * The position of the segment a segment-based file is named after, whatever its timeline: its log
   * and segment parts ({@code LLLLLLLLSSSSSSSS}), which order as the WAL does.
   */
  public static String position(String name) {
    if (!SEGMENT_BASED.matcher(name).matches()) {
      throw new IllegalArgumentException("not a segment-based WAL file name: " + name);
    }
    return name.substring(8, 24);
  }
}
