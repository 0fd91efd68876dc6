package dev.toygres.engine.activity;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Proof, inside a transaction of the caller, that this worker still holds the lease on the activity
 * call it runs. A worker that was paused (SIGSTOP, a long GC, a frozen VM) past its lease may wake
 * up while another worker runs the same call again; an activity whose effect is a database write
 * makes that write conditional on {@link #holdsIn}, in the same transaction, so only the current
 * holder's write commits (docs/engine.md#faults-and-timeouts).
 *
 * <p>The store's schema must live in the database {@code tx} is connected to.
 */
@FunctionalInterface
public interface LeaseFence {
  /** A fence that always holds: for activities run outside a worker (tests, tools). */
  LeaseFence UNCHECKED =
      new LeaseFence() {
        @Override
        public boolean holdsIn(Connection tx) {
          return true;
        }

        @Override
        public Optional<Query> asQuery() {
          return Optional.of(new Query("SELECT 1", List.of()));
        }

        @Override
        public Optional<Member> asMember() {
          return Optional.of(
              new Member(
                  "SELECT k.ord FROM unnest(?::text[]) WITH ORDINALITY AS k(unchecked, ord)",
                  List.of("")));
        }
      };

  /**
   * Whether this worker still holds the call's lease (its work item exists, carries this worker's
   * lock token, and the lease has not run out by the database's clock). When it does, the work item
   * is locked against takeover until {@code tx} ends, so a write committed in {@code tx} after a
   * {@code true} is the holder's. Write nothing in {@code tx} after a {@code false}.
   */
  boolean holdsIn(Connection tx) throws SQLException;

  /**
   * {@link #holdsIn}, or a {@link LeaseLostException} naming {@code what} when the lease is gone
   * (roll {@code tx} back then).
   */
  default void ensureHeldIn(Connection tx, String what) throws SQLException {
    if (!holdsIn(tx)) {
      throw new LeaseLostException(
          what + ": this worker no longer holds the activity call (another worker took it over)");
    }
  }

  /**
   * This fence as one SQL query, for an activity that makes its write a single statement (the query
   * as a common table expression the write depends on) instead of a transaction around {@link
   * #holdsIn}: the query returns a row exactly when {@link #holdsIn} would return true, and locks
   * the work item against takeover as {@link #holdsIn} does, until the statement's transaction
   * ends. Empty when this fence has no such form (call {@link #holdsIn} then).
   */
  default Optional<Query> asQuery() {
    return Optional.empty();
  }

  /**
   * This fence as one member of a set that a single statement checks at once, for an activity that
   * writes for many calls together: fences whose {@link Member#sql} is the same string are checked
   * by one query, with each position of their {@link Member#key}s bound as one {@code text[]} (the
   * members' values, as {@link Object#toString()}, in the members' order). The query returns a
   * column {@code ord}: the 1-based position of each member that this worker holds and whose work
   * item was not locked by another transaction, locked as {@link #asQuery} locks it until the
   * statement's transaction ends. It never waits for a lock: a member it leaves out (not held, or
   * locked right then) is to be checked on its own, through {@link #asQuery} or {@link #holdsIn},
   * which wait. Empty when this fence has no such form.
   */
  default Optional<Member> asMember() {
    return Optional.empty();
  }

  /** A set form of fences ({@link #asMember}): its query, and this fence's values in it. */
  record Member(String sql, List<Object> key) {
    public Member {
      Objects.requireNonNull(sql, "sql");
      key = List.copyOf(key);
    }
  }

  /**
   * An SQL query and the values of its {@code ?} placeholders, in order (numbers, strings, UUIDs:
   * what {@link java.sql.PreparedStatement#setObject(int, Object)} takes).
   */
  record Query(String sql, List<Object> params) {
    public Query {
      Objects.requireNonNull(sql, "sql");
      params = List.copyOf(params);
    }
  }
}
