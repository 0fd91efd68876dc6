package dev.toygres.controlplane.cms;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Many instances' actors recorded at once (a recovery's repairs): the same compare-and-set on the
 * previous actor id as {@link CmsStore#recordActor}, and the same {@code actor_started} event for
 * each instance that it moved, in one transaction of four statements whatever their number. The
 * rows are locked in the order of their ids, so that concurrent claims of overlapping instances
 * (two recoveries at once) wait for one another instead of deadlocking.
 */
public final class ActorClaims {
  private final DataSource ds;

  public ActorClaims(DataSource ds) {
    this.ds = Objects.requireNonNull(ds, "ds");
  }

  /**
   * One instance's new actor: recorded if the instance's actor is still {@code expected} (null:
   * none recorded), with {@code why} as its event's message.
   */
  public record Claim(UUID instanceId, String expected, String actorId, String why) {
    public Claim {
      Objects.requireNonNull(instanceId, "instanceId");
      Objects.requireNonNull(actorId, "actorId");
      Objects.requireNonNull(why, "why");
    }
  }

  /** Work on the claimed instances that must commit with their claims (e.g. starting actors). */
  @FunctionalInterface
  public interface ForClaimed {
    /** Runs on the claims' connection; must neither commit nor roll back. */
    void run(Connection tx, List<Claim> claimed);
  }

  /**
   * Records each claim whose instance still has its expected actor and is in one of {@code states}
   * (monitoring on again, an {@code actor_started} event) and runs {@code alsoInTx} on those, in
   * one transaction: all of it commits or none (an exception from {@code alsoInTx} rolls back and
   * is rethrown). Returns the claims recorded, in the order given; the others changed nothing. The
   * claims must name distinct instances.
   */
  public List<Claim> claim(
      List<Claim> claims, Collection<InstanceState> states, ForClaimed alsoInTx) {
    Set<UUID> distinct = new HashSet<>();
    claims.forEach(
        cl -> {
          if (!distinct.add(cl.instanceId())) {
            throw new IllegalArgumentException("two claims for instance " + cl.instanceId());
          }
        });
    if (claims.isEmpty()) {
      return List.of();
    }
    return Db.tx(
        ds,
        c -> {
          // Lock the rows in one order (by id) before the update, whose own order of locking is
          // the join's: two recoveries claiming overlapping batches must wait for each other, not
          // deadlock.
          try (PreparedStatement ps =
              c.prepareStatement(
                  """
          SELECT id FROM toygres_cms.instances WHERE id = ANY (?::uuid[]) ORDER BY id FOR UPDATE""")) {
            ps.setArray(
                1, c.createArrayOf("uuid", claims.stream().map(Claim::instanceId).toArray()));
            ps.executeQuery().close();
          }
          Set<UUID> won = new HashSet<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  """
          UPDATE toygres_cms.instances i SET instance_actor_orchestration_id = v.actor, monitoring_enabled = true
          FROM unnest(?::uuid[], ?::text[], ?::text[]) AS v(id, expected, actor)
          WHERE i.id = v.id AND i.instance_actor_orchestration_id IS NOT DISTINCT FROM v.expected
            AND i.state::text = ANY (?::text[])
          RETURNING i.id""")) {
            ps.setArray(
                1, c.createArrayOf("uuid", claims.stream().map(Claim::instanceId).toArray()));
            ps.setArray(2, c.createArrayOf("text", claims.stream().map(Claim::expected).toArray()));
            ps.setArray(3, c.createArrayOf("text", claims.stream().map(Claim::actorId).toArray()));
            ps.setArray(
                4, c.createArrayOf("text", states.stream().map(InstanceState::dbName).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                won.add(rs.getObject(1, UUID.class));
              }
            }
          }
          List<Claim> claimed = new ArrayList<>(won.size());
          claims.forEach(
              cl -> {
                if (won.contains(cl.instanceId())) {
                  claimed.add(cl);
                }
              });
          if (claimed.isEmpty()) {
            return claimed;
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  """
          INSERT INTO toygres_cms.instance_events (instance_id, event_type, message, metadata)
          SELECT id, 'actor_started', message, metadata::jsonb
          FROM unnest(?::uuid[], ?::text[], ?::text[]) AS v(id, message, metadata)""")) {
            ps.setArray(
                1, c.createArrayOf("uuid", claimed.stream().map(Claim::instanceId).toArray()));
            ps.setArray(2, c.createArrayOf("text", claimed.stream().map(Claim::why).toArray()));
            ps.setArray(
                3,
                c.createArrayOf(
                    "text",
                    claimed.stream()
                        .map(
                            cl ->
                                Db.json(
                                    Map.of(
                                        "actor_id",
                                        cl.actorId(),
                                        "previous_actor_id",
                                        String.valueOf(cl.expected()))))
                        .toArray()));
            ps.executeUpdate();
          }
          alsoInTx.run(c, List.copyOf(claimed));
          return claimed;
        });
  }
}
