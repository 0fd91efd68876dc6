package dev.toygres.engine;

import java.time.Instant;
import java.util.Objects;

/**
 * The state of an engine's metadata database as its watchdog sees it
 * (docs/engine.md#faults-and-timeouts).
 *
 * @param embedded whether the engine started the server itself (an embedded PostgreSQL)
 * @param state {@link State#RUNNING} or {@link State#RESTARTING} for an embedded server, {@link
 *     State#EXTERNAL} for a database the engine does not run (its reachability is not checked here)
 * @param restarts how often the watchdog restarted the embedded server since the engine started
 * @param lastRestart when it last did, or null
 * @param lastError the last failure to restart it (or what killed it), or null
 */
public record DatabaseHealth(
    boolean embedded, State state, int restarts, Instant lastRestart, String lastError) {

  /** Whether the metadata database runs, as far as this engine can tell without a query. */
  public enum State {
    /** The embedded server's postmaster is alive. */
    RUNNING,
    /** The embedded server died; the watchdog is starting it again. */
    RESTARTING,
    /** An external database: the engine neither runs nor watches it. */
    EXTERNAL
  }

  public DatabaseHealth {
    Objects.requireNonNull(state, "state");
    if (restarts < 0) {
      throw new IllegalArgumentException("restarts must not be negative, was " + restarts);
    }
    if (embedded == (state == State.EXTERNAL)) {
      throw new IllegalArgumentException(
          "an embedded database is RUNNING or RESTARTING, an external one EXTERNAL; was "
              + state
              + " for embedded="
              + embedded);
    }
  }

  /** The health of a database the engine does not run. */
  public static DatabaseHealth external() {
    return new DatabaseHealth(false, State.EXTERNAL, 0, null, null);
  }
}
