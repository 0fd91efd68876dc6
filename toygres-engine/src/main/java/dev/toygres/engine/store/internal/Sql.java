package dev.toygres.engine.store.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.toygres.engine.DurableException;
import dev.toygres.engine.FailureDetails;
import dev.toygres.engine.history.HistoryEvent;
import dev.toygres.engine.internal.Json;
import dev.toygres.engine.store.StoreException;
import dev.toygres.engine.store.StoreUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** JDBC plumbing shared by the store's parts: transactions, JSON columns, error translation. */
public final class Sql {
  private static final ObjectWriter EVENT_WRITER = Json.MAPPER.writerFor(HistoryEvent.class);
  private static final ObjectReader EVENT_READER = Json.MAPPER.readerFor(HistoryEvent.class);

  private Sql() {}

  /** Work inside one transaction. */
  @FunctionalInterface
  public interface TxWork<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs {@code work} in one transaction; commits on success, rolls back on any failure. */
  public static <T> T tx(DataSource ds, String what, TxWork<T> work) {
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException | Error e) {
        rollbackQuietly(c, e);
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw translate(what, e);
    }
  }

  /**
   * Runs {@code work} in one transaction whose commit does not wait for the WAL flush. Only for
   * writes whose loss in a database crash is harmless: lease grants and renewals (a lost lease just
   * lets another worker take the item; the holder's commit is then refused by its token).
   */
  public static <T> T leaseTx(DataSource ds, String what, TxWork<T> work) {
    return tx(
        ds,
        what,
        c -> {
          try (java.sql.Statement st = c.createStatement()) {
            st.execute("SET LOCAL synchronous_commit = off");
          }
          return work.run(c);
        });
  }

  /** Runs {@code work} on one connection in auto-commit mode. */
  public static <T> T auto(DataSource ds, String what, TxWork<T> work) {
    try (Connection c = ds.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw translate(what, e);
    }
  }

  private static void rollbackQuietly(Connection c, Throwable cause) {
    try {
      c.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  /**
   * The store's error for a failed {@code what}: a {@link StoreUnavailableException} when the
   * database could not be reached or did not answer in time (connection errors, SQLState class 08,
   * 57P01-57P03, 53300, a statement or lock timeout 57014/55P03, no pooled connection in time),
   * else a {@link StoreException}. The driver's messages name hosts and users, never passwords.
   */
  public static StoreException translate(String what, SQLException e) {
    String state = e.getSQLState();
    if (unavailable(e)) {
      return new StoreUnavailableException(
          what
              + " failed: the database is unreachable or too slow ("
              + e.getMessage()
              + ", SQLState "
              + state
              + ")",
          e);
    }
    return new StoreException(what + " failed: " + e.getMessage() + " (SQLState " + state + ")", e);
  }

  /** Whether {@code e} says the database is gone, overloaded or slow rather than refusing. */
  public static boolean unavailable(SQLException e) {
    for (SQLException x = e; x != null; x = x.getNextException()) {
      if (x instanceof SQLTransientConnectionException || unavailableState(x.getSQLState())) {
        return true;
      }
      if (x.getCause() instanceof SQLException cause && cause != x && unavailable(cause)) {
        return true;
      }
    }
    return false;
  }

  static boolean unavailableState(String state) {
    if (state == null) {
      return false;
    }
    return state.startsWith("08")
        || switch (state) {
          case "57P01", "57P02", "57P03", "53300", "57014", "55P03" -> true;
          default -> false;
        };
  }

  public static String eventJson(HistoryEvent e) {
    try {
      return EVENT_WRITER.writeValueAsString(e);
    } catch (JsonProcessingException ex) {
      throw new DurableException("cannot serialize history event " + e.kind(), ex);
    }
  }

  /** Reads a stored history event of {@code instanceId} (named in the error if it cannot). */
  public static HistoryEvent event(String instanceId, String json) {
    try {
      return EVENT_READER.readValue(json);
    } catch (JsonProcessingException ex) {
      throw new DurableException(
          "cannot read a history event of instance '"
              + instanceId
              + "': "
              + ex.getOriginalMessage(),
          ex);
    }
  }

  /** The {@code data} column of a queue message: its event, its cancel reason, or null. */
  public static String messageJson(QueueMessage m) {
    return switch (m.kind()) {
      case EVENT -> eventJson(m.event());
      case CANCEL -> Json.write(java.util.Map.of("reason", String.valueOf(m.reason())));
      case WAKE -> null;
    };
  }

  public static String failureJson(FailureDetails f) {
    return f == null ? null : Json.write(f);
  }

  public static FailureDetails failure(String json) {
    return json == null ? null : Json.read(json, FailureDetails.class);
  }

  public static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }

  /**
   * SQL that extends the leases held under the given tokens ({@code ?} 1: uuid[] tokens, 2:
   * seconds). Rows locked right now (a step or an outcome being committed, which releases them
   * anyway) are skipped, so a renewal never waits on, or deadlocks with, a commit that locks rows
   * in another order.
   */
  static String renewSql(String schema, String table, String key) {
    return """
        WITH mine AS MATERIALIZED (
          SELECT %3$s FROM %1$s.%2$s WHERE lock_token = ANY(?) FOR UPDATE SKIP LOCKED)
        UPDATE %1$s.%2$s x SET locked_until = now() + make_interval(secs => ?)
        FROM mine WHERE x.%3$s = mine.%3$s"""
        .formatted(schema, table, key);
  }

  /** Runs {@link #renewSql} for {@code tokens}; returns how many leases were extended. */
  static int renew(Connection c, String sql, Collection<UUID> tokens, Duration lease)
      throws SQLException {
    if (tokens.isEmpty()) {
      return 0;
    }
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setArray(1, c.createArrayOf("uuid", tokens.toArray()));
      ps.setDouble(2, lease.toMillis() / 1000.0);
      return ps.executeUpdate();
    }
  }

  /**
   * The one timestamp {@code sql} returns with {@code params} bound in order, or empty if it is
   * null.
   */
  static Optional<Instant> instantOf(Connection c, String sql, Object... params)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return Optional.ofNullable(instant(rs.getTimestamp(1)));
      }
    }
  }

  /** {@code d} in seconds, as a statement's {@code make_interval(secs => ?)} takes it. */
  static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }

  /** Checks a schema name before it is put into SQL text. */
  public static String checkSchema(String schema) {
    if (schema == null || !schema.matches("[a-z_][a-z0-9_]{0,40}")) {
      throw new IllegalArgumentException(
          "schema name must be lower-case letters, digits and underscores (at most 41), was '"
              + schema
              + "'");
    }
    return schema;
  }
}
