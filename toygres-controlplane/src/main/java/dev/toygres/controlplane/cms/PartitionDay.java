package dev.toygres.controlplane.cms;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;

/**
 * One day's partition of the health checks: the UTC day {@code day}, holding the checks made from
 * its midnight (inclusive) to the next (exclusive), in the table {@code
 * instance_health_checks_pYYYYMMDD}. (The partition of the day the table was partitioned also holds
 * every older check: its lower bound is MINVALUE, its upper bound the same as the others'.)
 */
record PartitionDay(LocalDate day) {
  static final String PREFIX = "instance_health_checks_p";
  private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;

  PartitionDay {
    Objects.requireNonNull(day, "day");
  }

  /** The partition that holds a check made at {@code t}. */
  static PartitionDay of(Instant t) {
    return new PartitionDay(LocalDate.ofInstant(t, ZoneOffset.UTC));
  }

  /** The day of the partition named {@code table}, or empty for a table not named like one. */
  static Optional<PartitionDay> parse(String table) {
    if (table == null
        || !table.startsWith(PREFIX)
        || table.length() != PREFIX.length() + 8
        || !table.substring(PREFIX.length()).chars().allMatch(Character::isDigit)) {
      return Optional.empty();
    }
    try {
      return Optional.of(new PartitionDay(LocalDate.parse(table.substring(PREFIX.length()), DAY)));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  String table() {
    return PREFIX + DAY.format(day);
  }

  Instant from() {
    return day.atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  /** The first instant after this partition: every check in it is older. */
  Instant until() {
    return day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  PartitionDay next() {
    return new PartitionDay(day.plusDays(1));
  }

  /**
   * Whether every check this partition can hold is older than {@code cutoff}, so that dropping it
   * removes nothing younger.
   */
  boolean allOlderThan(Instant cutoff) {
    return !until().isAfter(cutoff);
  }
}
