package dev.toygres.controlplane.cms;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The audit log: who did what to which target, with what result. Rows are only ever added, read
 * newest first, and pruned by age. Callers never put a request body or a secret in an entry.
 */
public final class AuditLog {
  /** Longest text kept in a column; longer values are cut. */
  static final int MAX_TEXT = 1000;

  private final DataSource ds;

  public AuditLog(DataSource ds) {
    this.ds = ds;
  }

  /**
   * One row to write. {@code result} is {@code ok}, {@code denied}, {@code failed} or {@code
   * skipped}; {@code target}, {@code status} and {@code detail} may be null. Texts are cut to
   * {@value #MAX_TEXT} characters.
   */
  public record Entry(
      String actor, String action, String target, String result, Integer status, String detail) {
    public Entry {
      if (actor == null || actor.isBlank() || action == null || action.isBlank()) {
        throw new IllegalArgumentException("an audit entry needs an actor and an action");
      }
      if (result == null || result.isBlank()) {
        throw new IllegalArgumentException("an audit entry needs a result");
      }
      actor = cut(actor);
      action = cut(action);
      target = cut(target);
      detail = cut(detail);
    }
  }

  /** A written row. */
  public record Row(
      long id,
      Instant at,
      String actor,
      String action,
      String target,
      String result,
      Integer status,
      String detail) {}

  /** A page of rows, newest first; {@code nextCursor} (the last id) is null on the last page. */
  public record Page(List<Row> items, Long nextCursor) {}

  public void write(Entry e) {
    Db.auto(
        ds,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  """
                  INSERT INTO toygres_cms.audit_log (actor, action, target, result, status, detail)
                  VALUES (?, ?, ?, ?, ?, ?)""")) {
            ps.setString(1, e.actor());
            ps.setString(2, e.action());
            ps.setString(3, e.target());
            ps.setString(4, e.result());
            if (e.status() == null) {
              ps.setNull(5, Types.INTEGER);
            } else {
              ps.setInt(5, e.status());
            }
            ps.setString(6, e.detail());
            return ps.executeUpdate();
          }
        });
  }

  /**
   * Writes {@code entries} in one statement, in order (ids ascending); none is written on error.
   */
  public void writeAll(List<Entry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    Db.auto(
        ds,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  """
                  INSERT INTO toygres_cms.audit_log (actor, action, target, result, status, detail)
                  SELECT actor, action, target, result, status, detail
                  FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::int[], ?::text[])
                    WITH ORDINALITY AS e(actor, action, target, result, status, detail, n)
                  ORDER BY n""")) {
            ps.setArray(1, c.createArrayOf("text", entries.stream().map(Entry::actor).toArray()));
            ps.setArray(2, c.createArrayOf("text", entries.stream().map(Entry::action).toArray()));
            ps.setArray(3, c.createArrayOf("text", entries.stream().map(Entry::target).toArray()));
            ps.setArray(4, c.createArrayOf("text", entries.stream().map(Entry::result).toArray()));
            ps.setArray(5, c.createArrayOf("int4", entries.stream().map(Entry::status).toArray()));
            ps.setArray(6, c.createArrayOf("text", entries.stream().map(Entry::detail).toArray()));
            return ps.executeUpdate();
          }
        });
  }

  /** Up to {@code limit} rows older than {@code before} (an id; null: from the newest). */
  public Page page(int limit, Long before) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1");
    }
    return Db.auto(
        ds,
        c -> {
          List<Row> rows = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  """
                  SELECT id, at, actor, action, target, result, status, detail
                  FROM toygres_cms.audit_log WHERE id < ? ORDER BY id DESC LIMIT ?""")) {
            ps.setLong(1, before == null ? Long.MAX_VALUE : before);
            ps.setInt(2, limit + 1);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                rows.add(
                    new Row(
                        rs.getLong("id"),
                        rs.getTimestamp("at").toInstant(),
                        rs.getString("actor"),
                        rs.getString("action"),
                        rs.getString("target"),
                        rs.getString("result"),
                        rs.getObject("status", Integer.class),
                        rs.getString("detail")));
              }
            }
          }
          if (rows.size() <= limit) {
            return new Page(rows, null);
          }
          List<Row> page = List.copyOf(rows.subList(0, limit));
          return new Page(page, page.get(limit - 1).id());
        });
  }

  /** Deletes rows written before {@code before}; returns how many. */
  public int prune(Instant before) {
    return Db.auto(
        ds,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM toygres_cms.audit_log WHERE at < ?")) {
            ps.setTimestamp(1, Timestamp.from(before));
            return ps.executeUpdate();
          }
        });
  }

  private static String cut(String s) {
    return s == null || s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT - 3) + "...";
  }
}
