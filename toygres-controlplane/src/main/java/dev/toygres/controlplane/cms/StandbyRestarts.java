package dev.toygres.controlplane.cms;

import dev.toygres.engine.activity.LeaseFence;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The restarts of standbys an actor finds stopped (docs/actor.md#watching-the-members), fenced like
 * a health check: by the calling activity's lease and by the instance's row still holding a {@code
 * running} instance watched by the actor, a row held while the standbys start.
 */
public final class StandbyRestarts {
  private static final String HOLD_WATCHED =
      """
      SELECT 1 FROM toygres_cms.instances
      WHERE id = ? AND instance_actor_orchestration_id = ? AND monitoring_enabled
        AND state = 'running'
      FOR UPDATE""";

  private final DataSource ds;
  private final EventLog events = new EventLog();

  public StandbyRestarts(DataSource ds) {
    this.ds = Objects.requireNonNull(ds, "ds");
  }

  /**
   * What became of one standby an actor restarted: its new postmaster's {@code pid}, or why it is
   * still down ({@code error}).
   */
  public record Outcome(int ordinal, Long pid, String error) {
    public Outcome {
      if ((pid == null) == (error == null)) {
        throw new IllegalArgumentException("exactly one of pid and error, for standby " + ordinal);
      }
    }

    public boolean started() {
      return pid != null;
    }
  }

  /**
   * Runs {@code restart} (which starts the instance's stopped standbys) while holding the
   * instance's row, if the row still holds a {@code running} instance watched by {@code actorId}
   * with monitoring on, after making sure through {@code lease} that the calling worker still holds
   * its activity call; then records one event per standby it returns, in the same transaction:
   * {@code standby_restarted} ("standby n restarted, pid p") or {@code standby_restart_failed}. A
   * stop or delete that changes the row waits until the restart is recorded.
   *
   * @return what {@code restart} returned, or empty if the row no longer holds such an instance
   *     ({@code restart} not run, nothing written)
   * @throws dev.toygres.engine.activity.LeaseLostException if the lease is gone (nothing done)
   */
  public Optional<List<Outcome>> restart(
      UUID instanceId, String actorId, LeaseFence lease, Supplier<List<Outcome>> restart) {
    return Db.tx(
        ds,
        c -> {
          lease.ensureHeldIn(c, "restarting the standbys of instance " + instanceId);
          try (PreparedStatement ps = c.prepareStatement(HOLD_WATCHED)) {
            ps.setObject(1, instanceId);
            ps.setString(2, actorId);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return Optional.<List<Outcome>>empty();
              }
            }
          }
          List<Outcome> done = List.copyOf(restart.get());
          for (Outcome s : done) {
            String n = "standby " + s.ordinal();
            events.append(
                c,
                instanceId,
                s.started() ? "standby_restarted" : "standby_restart_failed",
                null,
                null,
                s.started()
                    ? n + " restarted, pid " + s.pid()
                    : n + " was found down and could not be restarted: " + s.error(),
                Db.json(Map.of("ordinal", s.ordinal(), "actor_id", actorId)));
          }
          return Optional.of(done);
        });
  }
}
