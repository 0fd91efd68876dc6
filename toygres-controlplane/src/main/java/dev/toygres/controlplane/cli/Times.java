package dev.toygres.controlplane.cli;

import dev.toygres.controlplane.config.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/** Times as people read them in a terminal: ages such as {@code 12s ago} or {@code 3h5m ago}. */
final class Times {
  private Times() {}

  /** {@code 12s ago}, {@code 7m12s ago}, {@code 3h5m ago}, {@code 2d4h ago}; null is "never". */
  static String ago(Instant then, Instant now) {
    if (then == null) {
      return "never";
    }
    Duration d = Duration.between(then, now);
    return d.isNegative() ? "in " + coarse(d.negated()) : coarse(d) + " ago";
  }

  /** A duration to the second, with at most its two largest units: {@code 7m12s}, {@code 3h5m}. */
  static String coarse(Duration d) {
    long s = Math.max(0, d.getSeconds());
    if (s == 0) {
      return "0s";
    }
    long unit;
    if (s < 3600) {
      unit = 1;
    } else if (s < 86400) {
      unit = 60;
    } else {
      unit = 3600;
    }
    return Durations.format(Duration.ofSeconds(s / unit * unit));
  }

  /** Elapsed time for progress lines: {@code 3.1s}, {@code 1m05s}. */
  static String elapsed(Duration d) {
    long tenths = d.toMillis() / 100;
    if (tenths < 600) {
      return String.format("%d.%ds", tenths / 10, tenths % 10);
    }
    long s = d.toSeconds();
    return String.format("%dm%02ds", s / 60, s % 60);
  }

  /** An ISO-8601 instant from the API, or null if absent or unreadable. */
  static Instant parse(String iso) {
    if (iso == null || iso.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(iso);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** {@code 2025-11-22T10:04:03Z (12s ago)}, or "-" if absent. */
  static String stamp(String iso, Instant now) {
    Instant t = parse(iso);
    if (t == null) {
      return iso == null || iso.isBlank() ? "-" : iso;
    }
    return t.truncatedTo(ChronoUnit.SECONDS) + " (" + ago(t, now) + ")";
  }

  /** The age of an ISO instant from the API, "never" if absent. */
  static String ago(String iso, Instant now) {
    Instant t = parse(iso);
    return t == null && iso != null && !iso.isBlank() ? iso : ago(t, now);
  }
}
