package dev.toygres.controlplane.config;

import dev.toygres.controlplane.InvalidRequestException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Human durations: {@code 500ms}, {@code 2s}, {@code 5m}, {@code 1h}, {@code 7d}, or combined
 * {@code 1m30s}.
 */
public final class Durations {
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private Durations() {}

  /**
   * Parses a duration.
   *
   * @throws InvalidRequestException with an example, on bad input
   */
  public static Duration parse(String text) {
    if (text == null || text.isBlank()) {
      throw new InvalidRequestException(null, "empty duration (use e.g. 500ms, 2s, 5m, 1h)");
    }
    String t = text.trim().toLowerCase(java.util.Locale.ROOT);
    Matcher m = PART.matcher(t);
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        break;
      }
      long n = Long.parseLong(m.group(1));
      total =
          total.plus(
              switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
              });
      end = m.end();
    }
    if (end != t.length() || end == 0) {
      throw new InvalidRequestException(
          null, "invalid duration '" + text + "' (use e.g. 500ms, 2s, 5m, 1h)");
    }
    return total;
  }

  /**
   * Formats a duration the way {@link #parse} reads it, largest units first (e.g. {@code 7m12s}).
   */
  public static String format(Duration d) {
    if (d.isNegative()) {
      return "-" + format(d.negated());
    }
    if (d.toMillis() < 1000) {
      return d.toMillis() + "ms";
    }
    long s = d.toSeconds();
    StringBuilder b = new StringBuilder();
    if (s >= 86400) {
      b.append(s / 86400).append('d');
      s %= 86400;
    }
    if (s >= 3600) {
      b.append(s / 3600).append('h');
      s %= 3600;
    }
    if (s >= 60) {
      b.append(s / 60).append('m');
      s %= 60;
    }
    if (s > 0 || b.length() == 0) {
      b.append(s).append('s');
    }
    return b.toString();
  }
}
