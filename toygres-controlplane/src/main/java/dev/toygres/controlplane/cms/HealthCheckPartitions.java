package dev.toygres.controlplane.cms;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * The daily partitions of {@code toygres_cms.instance_health_checks} (docs/operations.md): made
 * ahead, for the day of now and the {@link #DAYS_AHEAD} next, and dropped whole once every check
 * they hold is past the retention, never deleted row by row. Each change takes a transaction-scoped
 * advisory lock, so servers sharing the database never race, and waits at most {@link
 * #LOCK_TIMEOUT} for the table's locks (a partition is attached under a lock that lets reads and
 * writes of the other partitions go on; a drop needs the table alone for an instant): a change that
 * cannot get them is left to the next round.
 */
public final class HealthCheckPartitions {
  /** How many days after today have their partition made ahead. */
  public static final int DAYS_AHEAD = 2;

  static final String LOCK_TIMEOUT = "2s";
  private static final long ADVISORY_KEY = 0x7467_6865_616c_7468L; // "tghealth"
  private static final String PARENT = "toygres_cms.instance_health_checks";
  private static final String LIST =
      """
      SELECT c.relname, greatest(c.reltuples, 0)::bigint
      FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'toygres_cms.instance_health_checks'::regclass""";

  private final DataSource ds;

  public HealthCheckPartitions(DataSource ds) {
    this.ds = ds;
  }

  /** What one {@link #dropOlderThan} removed. */
  public record Dropped(int partitions, long rowsEstimated) {}

  /**
   * Makes the partitions of the UTC day of {@code now} and of the {@link #DAYS_AHEAD} following
   * days, those that do not exist yet.
   *
   * @return how many were made
   */
  public int createAhead(Instant now) {
    return Db.tx(
        ds,
        c -> {
          guard(c);
          Map<String, Long> existing = existing(c);
          int made = 0;
          PartitionDay d = PartitionDay.of(now);
          for (int i = 0; i <= DAYS_AHEAD; i++, d = d.next()) {
            if (!existing.containsKey(d.table())) {
              create(c, d);
              made++;
            }
          }
          return made;
        });
  }

  /**
   * Drops every day's partition whose checks are all older than {@code cutoff}, but never the
   * partition of the day of {@code now} or a later one.
   */
  public Dropped dropOlderThan(Instant cutoff, Instant now) {
    return Db.tx(
        ds,
        c -> {
          guard(c);
          PartitionDay today = PartitionDay.of(now);
          int partitions = 0;
          long rows = 0;
          for (Map.Entry<String, Long> e : existing(c).entrySet()) {
            PartitionDay d = PartitionDay.parse(e.getKey()).orElse(null);
            if (d != null && d.day().isBefore(today.day()) && d.allOlderThan(cutoff)) {
              try (Statement st = c.createStatement()) {
                st.execute("DROP TABLE toygres_cms." + d.table());
              }
              partitions++;
              rows += e.getValue();
            }
          }
          return new Dropped(partitions, rows);
        });
  }

  /** The partitions' table names, oldest first. */
  public List<String> list() {
    return Db.auto(ds, c -> new ArrayList<>(existing(c).keySet()));
  }

  private static void guard(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("SET LOCAL lock_timeout = '" + LOCK_TIMEOUT + "'");
      st.execute("SELECT pg_catalog.pg_advisory_xact_lock(" + ADVISORY_KEY + ")");
    }
  }

  private static Map<String, Long> existing(Connection c) throws SQLException {
    Map<String, Long> out = new TreeMap<>();
    try (PreparedStatement ps = c.prepareStatement(LIST);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getLong(2));
      }
    }
    return out;
  }

  /**
   * A new table like the parent, then attached: attaching locks the parent only against other
   * schema changes ({@code SHARE UPDATE EXCLUSIVE}), where {@code CREATE TABLE ... PARTITION OF}
   * would lock out every read and write of the checks.
   */
  private static void create(Connection c, PartitionDay d) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(
          "CREATE TABLE toygres_cms.%s (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
              .formatted(d.table(), PARENT));
      st.execute(
          "ALTER TABLE %s ATTACH PARTITION toygres_cms.%s FOR VALUES FROM ('%s') TO ('%s')"
              .formatted(PARENT, d.table(), d.from(), d.until()));
    }
  }
}
